/**
 * Secrets (Slack bot token, webhook URLs) are configured by reference, never by value: an environment
 * variable holds `ssm:/path/name` (a SecureString) or `secretsmanager:name-or-arn[#json-field]`, and the value
 * is read at run time and cached briefly. Errors name the reference, never the value.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type GetParameterCommandOutput, type SSMClient } from '@aws-sdk/client-ssm';

export class SecretError extends Error {
  override readonly name = 'SecretError';
  /** The reference as configured (never the secret). */
  readonly ref: string;

  constructor(ref: string, reason: string, options?: ErrorOptions) {
    super(`secret ${ref}: ${reason}`, options);
    this.ref = ref;
  }
}

export type SecretRef =
  | { source: 'ssm'; name: string }
  | { source: 'secretsmanager'; secretId: string; field?: string };

/** Shown instead of a value that is not a reference: it may well be the secret itself. */
const NOT_A_REFERENCE = '(a value that is not a secret reference)';

export function parseSecretRef(ref: string): SecretRef {
  if (ref.startsWith('ssm:')) {
    const name = ref.slice('ssm:'.length);
    if (!name) throw new SecretError(ref, 'no parameter name after "ssm:"');
    return { source: 'ssm', name };
  }
  if (ref.startsWith('secretsmanager:')) {
    // Secret names cannot hold '#', so the first one starts the JSON field.
    const rest = ref.slice('secretsmanager:'.length);
    const hash = rest.indexOf('#');
    const secretId = hash === -1 ? rest : rest.slice(0, hash);
    const field = hash === -1 ? undefined : rest.slice(hash + 1);
    if (!secretId) throw new SecretError(ref, 'no secret name after "secretsmanager:"');
    if (field === '') throw new SecretError(ref, 'empty JSON field after "#"');
    return { source: 'secretsmanager', secretId, ...(field ? { field } : {}) };
  }
  throw new SecretError(
    NOT_A_REFERENCE,
    'expected ssm:/parameter/name or secretsmanager:name[#field]; secrets must not be set as plain values',
  );
}

export interface SecretResolverOptions {
  ssm: SSMClient;
  secretsManager: SecretsManagerClient;
  /** How long a value is reused: a rotated secret is picked up within this time. */
  ttlMs: number;
  now?: () => number;
}

export interface SecretResolver {
  resolve(ref: string): Promise<string>;
}

/** The SDK's error name (e.g. ParameterNotFound, AccessDeniedException) says what went wrong without any value. */
function sdkReason(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}

async function readSsm(ssm: SSMClient, ref: string, name: string): Promise<string> {
  let output: GetParameterCommandOutput;
  try {
    output = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  } catch (error) {
    throw new SecretError(ref, `SSM GetParameter failed (${sdkReason(error)})`, { cause: error });
  }
  const parameter = output.Parameter;
  if (parameter?.Type !== 'SecureString') {
    throw new SecretError(
      ref,
      `is a ${parameter?.Type ?? 'missing'} parameter; secrets must be SecureString`,
    );
  }
  if (!parameter.Value) throw new SecretError(ref, 'the parameter has no value');
  return parameter.Value;
}

function jsonField(ref: string, text: string, field: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // No `cause`: JSON.parse's message quotes the text, which is the secret.
    throw new SecretError(ref, 'the secret is not a JSON object, so it has no field');
  }
  const value =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'string' || value === '') {
    throw new SecretError(ref, `the secret has no non-empty string field "${field}"`);
  }
  return value;
}

async function readSecretsManager(
  client: SecretsManagerClient,
  ref: string,
  secretId: string,
  field: string | undefined,
): Promise<string> {
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    throw new SecretError(ref, `Secrets Manager GetSecretValue failed (${sdkReason(error)})`, {
      cause: error,
    });
  }
  if (!text) throw new SecretError(ref, 'the secret has no SecretString (binary secrets are not supported)');
  return field === undefined ? text : jsonField(ref, text, field);
}

export function createSecretResolver(options: SecretResolverOptions): SecretResolver {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { value: Promise<string>; expiresAt: number }>();

  async function read(ref: string): Promise<string> {
    const parsed = parseSecretRef(ref);
    switch (parsed.source) {
      case 'ssm':
        return readSsm(options.ssm, ref, parsed.name);
      case 'secretsmanager':
        return readSecretsManager(options.secretsManager, ref, parsed.secretId, parsed.field);
      default: {
        const unknown: never = parsed;
        throw new SecretError(ref, `unknown source ${String(unknown)}`);
      }
    }
  }

  return {
    resolve(ref) {
      const hit = cache.get(ref);
      if (hit && hit.expiresAt > now()) return hit.value;
      // Concurrent callers share one read; a failed read is not cached, so the next call tries again.
      const value = read(ref);
      cache.set(ref, { value, expiresAt: now() + options.ttlMs });
      value.catch(() => {
        if (cache.get(ref)?.value === value) cache.delete(ref);
      });
      return value;
    },
  };
}
