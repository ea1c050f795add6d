/**
 * Finds the wildcards in the Allow statements of a packaged template and checks them against the allow-list
 * (tests/infra/iam-wildcard-allow-list.json), where each has the Sid of its statement and a justification.
 */
import { actionsOf, type PolicyDocumentAt, resourcesOf, type TemplateResolver } from './cloudformation.js';

export interface AllowListEntry {
  sid: string;
  /** As written in serverless.yml (Fn::Sub syntax, e.g. `arn:${AWS::Partition}:s3:::*`). */
  wildcard: string;
  justification: string;
}

export interface Wildcard {
  location: string;
  sid: string;
  kind: 'action' | 'resource' | 'not-action-or-resource';
  /** As the resolver renders it. */
  value: string;
}

/**
 * An S3 object ARN of one named bucket (`arn:aws:s3:::bucket/*`, or `RedriveBucket.Arn/manifests/*` for a
 * bucket of the stack) names that bucket's objects: the usual least-privilege form, not a broad wildcard.
 */
function isObjectsOfNamedBucket(resource: string): boolean {
  const match = /^(arn:aws[a-z-]*:s3:::([^/]+)|[A-Z]\w*\.Arn)\/(.+)$/.exec(resource);
  if (!match) return false;
  const bucket = match[2];
  return bucket === undefined || !/[*?]/.test(bucket);
}

/** Every wildcard action, every `*` resource or resource with a broad `*`, and any NotAction or NotResource. */
export function wildcardsIn(documents: PolicyDocumentAt[]): Wildcard[] {
  const found: Wildcard[] = [];
  for (const { location, statements } of documents) {
    // A deny may use wildcards: it only takes away.
    for (const statement of statements.filter((item) => item.Effect === 'Allow')) {
      const sid = statement.Sid ?? '(no Sid)';
      const raw = statement as unknown as Record<string, unknown>;
      for (const key of ['NotAction', 'NotResource'])
        if (raw[key] !== undefined) found.push({ location, sid, kind: 'not-action-or-resource', value: key });
      // A NotAction statement has no Action (reported above).
      for (const action of statement.Action === undefined ? [] : actionsOf(statement))
        if (action.includes('*')) found.push({ location, sid, kind: 'action', value: action });
      for (const resource of resourcesOf(statement)) {
        const value = String(resource);
        if (value.includes('*') && !isObjectsOfNamedBucket(value))
          found.push({ location, sid, kind: 'resource', value });
      }
    }
  }
  return found;
}

/** The allow-list entry's wildcard as the resolver renders it. */
export function renderedWildcard(resolver: TemplateResolver, entry: AllowListEntry): string {
  return String(resolver.resolve({ 'Fn::Sub': entry.wildcard }));
}

/** The wildcards no allow-list entry (same Sid, same wildcard) justifies. */
export function unjustifiedWildcards(
  resolver: TemplateResolver,
  wildcards: Wildcard[],
  allowList: AllowListEntry[],
): Wildcard[] {
  return wildcards.filter(
    (wildcard) =>
      wildcard.kind === 'not-action-or-resource' ||
      !allowList.some(
        (entry) => entry.sid === wildcard.sid && renderedWildcard(resolver, entry) === wildcard.value,
      ),
  );
}
