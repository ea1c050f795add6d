import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobReportFormatError } from '../../shared/redrive/errors.js';
import {
  type JobReportRow,
  parseJobReportCsv,
  parseJobReportManifest,
} from '../../shared/redrive/job-report.js';
import { encodeManifestKey } from '../../shared/redrive/manifest.js';
import { FAILED_KEY, REPORT_BUCKET, readReportFixture, SUCCEEDED_KEY } from './fixtures.js';

const SRC = 'my-source-bucket-use1';

describe('the completion report manifest.json', () => {
  it('lists the succeeded and failed result files of a real-format report', () => {
    expect(parseJobReportManifest(readReportFixture('manifest.json'))).toEqual({
      resultFiles: [
        { bucket: REPORT_BUCKET, key: SUCCEEDED_KEY, taskStatus: 'succeeded' },
        { bucket: REPORT_BUCKET, key: FAILED_KEY, taskStatus: 'failed' },
      ],
    });
  });

  it('lists no files when the report has no Results', () => {
    expect(parseJobReportManifest('{"Format":"Report_CSV_20180820","Results":[]}')).toEqual({
      resultFiles: [],
    });
    expect(parseJobReportManifest('{"Format":"Report_CSV_20180820"}')).toEqual({ resultFiles: [] });
  });

  it('rejects a report in another format', () => {
    expect(() => parseJobReportManifest('{"Format":"Report_JSON_20991231","Results":[]}')).toThrow(
      /format is "Report_JSON_20991231"/,
    );
  });

  it('rejects text that is not JSON, keeping the parse error as the cause', () => {
    // Act
    let thrown: unknown;
    try {
      parseJobReportManifest('{"Format": "Report_CSV_2018');
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(JobReportFormatError);
    expect((thrown as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('rejects a JSON value that is not an object', () => {
    expect(() => parseJobReportManifest('[]')).toThrow(JobReportFormatError);
  });

  it('rejects Results that is not a list', () => {
    expect(() => parseJobReportManifest('{"Format":"Report_CSV_20180820","Results":{}}')).toThrow(
      /no Results list/,
    );
  });

  it('rejects a result file with an unknown task status', () => {
    const json = JSON.stringify({
      Format: 'Report_CSV_20180820',
      Results: [{ TaskExecutionStatus: 'partial', Bucket: 'b', Key: 'k.csv' }],
    });
    expect(() => parseJobReportManifest(json)).toThrow(/Results\[0\] has TaskExecutionStatus "partial"/);
  });

  it('rejects a result file without a key', () => {
    const json = JSON.stringify({
      Format: 'Report_CSV_20180820',
      Results: [{ TaskExecutionStatus: 'failed', Bucket: 'b' }],
    });
    expect(() => parseJobReportManifest(json)).toThrow(/Results\[0\] has no Bucket and Key/);
  });
});

describe('a succeeded tasks CSV', () => {
  it('gives each object decoded, with its version, status 200 and no error code', () => {
    expect(parseJobReportCsv(readReportFixture('succeeded.csv'))).toEqual([
      row('invoices/2024/03/inv-0001.pdf', 'Lq3mJ2X9vY8kP1rT0sW7uZ4bN6cE5dFa'),
      row('invoices/2024/03/Q1 report (final).xlsx', '3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrH'),
      row('photos/café+bar/日本.jpg', 'Ui9Zp0Qw1Er2Ty3.Io4Pa5Sd6Fg7Hj8K'),
      row('notes/a,b"c\nd.txt', 'kR7_yT6uI5oP4aS3dF2gH1jK0lZ9xC8v'),
    ]);

    function row(key: string, versionId: string): JobReportRow {
      return {
        bucket: SRC,
        key,
        versionId,
        taskStatus: 'succeeded',
        httpStatus: 200,
        resultMessage: 'Successful',
      };
    }
  });
});

describe('a failed tasks CSV', () => {
  const rows = parseJobReportCsv(readReportFixture('failed.csv'));

  it('keeps a replication failure reason given as the error code, with the quoted message unescaped', () => {
    expect(rows[0]).toEqual({
      bucket: SRC,
      key: 'invoices/2024/03/inv-0002.pdf',
      versionId: 'Wm2Nx3Bc4Vz5Lk6Jh7Gf8Ds9Ap0Qo1Iu',
      taskStatus: 'failed',
      errorCode: 'DstPutObjectNotPermitted',
      httpStatus: 403,
      resultMessage: 'Access Denied, the role may lack s3:ReplicateObject on "my-destination-bucket-euw1"',
    });
  });

  it('takes the replication failure reason out of the message when the error code is generic', () => {
    expect(rows[1]).toMatchObject({
      key: 'invoices/2024/03/inv-0003.pdf',
      errorCode: 'DstPutObjectNotPermitted',
      httpStatus: 400,
      resultMessage: 'Replication failed: DstPutObjectNotPermitted (s3:ReplicateObject, kms:Encrypt)',
    });
  });

  it('keeps the error code S3 gave when no replication failure reason is named', () => {
    expect(rows[2]).toMatchObject({
      key: 'invoices/2024/03/inv-0004.pdf',
      errorCode: 'NoSuchKey',
      httpStatus: 404,
      resultMessage: 'The specified key does not exist.',
    });
  });

  it('reads a quoted message spanning two lines as one task', () => {
    expect(rows).toHaveLength(4);
    expect(rows[3]).toMatchObject({
      key: 'multi/line key.txt',
      errorCode: 'InternalError',
      httpStatus: 500,
      resultMessage: 'We encountered an internal error.\nPlease try again.',
    });
  });
});

describe('report CSV edge cases', () => {
  it('understands the error code before the status, as the ReportSchema string lists them', () => {
    expect(parseJobReportCsv('b,k,v,failed,AccessDenied,403,Access Denied\n')).toEqual([
      {
        bucket: 'b',
        key: 'k',
        versionId: 'v',
        taskStatus: 'failed',
        errorCode: 'AccessDenied',
        httpStatus: 403,
        resultMessage: 'Access Denied',
      },
    ]);
  });

  it('keeps an error code when no HTTP status is given', () => {
    expect(parseJobReportCsv('b,k,v,failed,,PermanentFailure,Task timed out\n')[0]).toMatchObject({
      errorCode: 'PermanentFailure',
      resultMessage: 'Task timed out',
    });
    expect(parseJobReportCsv('b,k,v,failed,PermanentFailure,,x\n')[0]).not.toHaveProperty('httpStatus');
  });

  it('leaves out the version, error code and message when their fields are empty', () => {
    expect(parseJobReportCsv('b,k,,succeeded,200,,\n')).toEqual([
      { bucket: 'b', key: 'k', taskStatus: 'succeeded', httpStatus: 200 },
    ]);
  });

  it('reads a row of only the first four fields', () => {
    expect(parseJobReportCsv('b,k,v,succeeded')).toEqual([
      { bucket: 'b', key: 'k', versionId: 'v', taskStatus: 'succeeded' },
    ]);
  });

  it('reads CRLF and LF line ends, a missing final newline, and skips blank lines', () => {
    const rows = parseJobReportCsv(
      'b,one,v,succeeded,200,,ok\r\n\r\nb,two,v,succeeded,200,,ok\n\nb,three,v,failed,500,X,y',
    );
    expect(rows.map((r) => r.key)).toEqual(['one', 'two', 'three']);
  });

  it('unescapes doubled quotes, including a field that is only a quote, and reads an empty quoted field', () => {
    expect(parseJobReportCsv('b,k,v,failed,400,"",""""\n')[0]).toEqual({
      bucket: 'b',
      key: 'k',
      versionId: 'v',
      taskStatus: 'failed',
      httpStatus: 400,
      resultMessage: '"',
    });
  });

  it('keeps a message S3 left unquoted whole, commas and all', () => {
    expect(
      parseJobReportCsv('b,k,v,failed,403,AccessDenied,Access Denied, try again, later\n')[0],
    ).toMatchObject({
      resultMessage: 'Access Denied, try again, later',
    });
  });

  it('reads a quoted key and bucket like any other field', () => {
    expect(parseJobReportCsv('"b","a%2Cb",v,succeeded,200,,ok\n')[0]).toMatchObject({
      bucket: 'b',
      key: 'a,b',
    });
  });

  it('reads a + in a key as a space, as S3 form-encodes keys it writes', () => {
    expect(parseJobReportCsv('b,my+file%2B1.txt,v,succeeded,200,,ok\n')[0]?.key).toBe('my file+1.txt');
  });

  it('finds the failure reason in a message even when the code names something else', () => {
    expect(
      parseJobReportCsv(
        'b,k,v,failed,403,AccessDenied,"replication: SrcGetObjectNotPermitted, see role"\n',
      )[0]?.errorCode,
    ).toBe('SrcGetObjectNotPermitted');
  });

  it('does not take a reason out of a longer word', () => {
    expect(
      parseJobReportCsv('b,k,v,failed,400,PermanentFailure,XDstPutObjectNotPermittedY\n')[0]?.errorCode,
    ).toBe('PermanentFailure');
  });

  it('gives a succeeded task no failure reason even if its message names one', () => {
    expect(
      parseJobReportCsv('b,k,v,succeeded,200,,"was DstPutObjectNotPermitted before"\n')[0],
    ).not.toHaveProperty('errorCode');
  });

  it('rejects a quoted field that is never closed, naming its line', () => {
    expect(() => parseJobReportCsv('b,k,v,succeeded,200,,ok\nb,k,v,failed,500,X,"open\n')).toThrow(
      /line 2: a quoted field is never closed/,
    );
  });

  it('rejects text after a closing quote', () => {
    expect(() => parseJobReportCsv('b,k,v,failed,500,X,"msg"tail\n')).toThrow(JobReportFormatError);
  });

  it('rejects a quote inside an unquoted field', () => {
    expect(() => parseJobReportCsv('b,k,v,failed,500,X,say "hi"\n')).toThrow(
      /unexpected "\\"" after a field/,
    );
  });

  it('rejects a task status other than succeeded or failed', () => {
    expect(() => parseJobReportCsv('b,k,v,skipped,200,,ok\n')).toThrow(
      /line 1: expected Bucket, Key, VersionId, TaskStatus/,
    );
  });

  it('rejects a row too short to hold a task status, naming the line after a multi-line record', () => {
    expect(() => parseJobReportCsv('b,k,v,failed,500,X,"a\nb"\nb,k\n')).toThrow(/line 3:/);
  });

  it('rejects a key with a broken percent escape', () => {
    expect(() => parseJobReportCsv('b,bad%ZZkey,v,succeeded,200,,ok\n')).toThrow(/key "%ZZ" at offset 3/);
  });

  it('reads back every row a standard CSV writer produces', () => {
    const field = fc.string({ unit: 'grapheme' });
    const task = fc.record({
      key: fc.string({ unit: 'grapheme', minLength: 1 }),
      versionId: fc.stringMatching(/^[A-Za-z0-9._]{1,32}$/),
      failed: fc.boolean(),
      httpStatus: fc.integer({ min: 200, max: 599 }),
      code: fc.stringMatching(/^[A-Z][A-Za-z]{0,20}$/),
      message: field.filter((text) => text !== ''),
    });
    fc.assert(
      fc.property(fc.array(task, { minLength: 1, maxLength: 20 }), fc.boolean(), (tasks, crlf) => {
        const text = tasks
          .map((t) =>
            [
              SRC,
              encodeManifestKey(t.key),
              t.versionId,
              t.failed ? 'failed' : 'succeeded',
              String(t.httpStatus),
              t.failed ? t.code : '',
              quote(t.message),
            ].join(','),
          )
          .join(crlf ? '\r\n' : '\n');
        const rows = parseJobReportCsv(text);
        expect(rows.map((r) => [r.key, r.versionId, r.taskStatus, r.httpStatus, r.resultMessage])).toEqual(
          tasks.map((t) => [t.key, t.versionId, t.failed ? 'failed' : 'succeeded', t.httpStatus, t.message]),
        );
      }),
    );
  });
});

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
