/**
 * The parts of `serverless.yml` the cold-start benchmark needs, read from the file itself at run time so the
 * benchmark cannot drift from what is deployed: the esbuild settings, each function's handler and the
 * environment it is deployed with (parameter defaults resolved, CloudFormation references given dummy
 * values of the deployed shape).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export class ServiceDefinitionError extends Error {
  override readonly name = 'ServiceDefinitionError';
}

// js-yaml ships no type declarations; it comes with osls (the framework). These are the parts used here.
interface YamlType {
  readonly tag: string;
}
interface JsYaml {
  Type: new (
    tag: string,
    options: { kind: 'scalar' | 'sequence' | 'mapping'; construct: (data: unknown) => unknown },
  ) => YamlType;
  DEFAULT_SCHEMA: { extend(types: YamlType[]): unknown };
  load(text: string, options: { schema: unknown; filename: string }): unknown;
}
const yaml = createRequire(import.meta.url)('js-yaml') as JsYaml;

const ACCOUNT_ID = '123456789012';

export interface FunctionDefinition {
  name: string;
  /** The handler's source file, relative to the service directory. */
  entry: string;
  /** The exported name Lambda calls. */
  exportName: string;
  /** The function's environment as deployed (provider's and its own), with dummy values for references. */
  environment: Record<string, string>;
}

export interface ServiceDefinition {
  service: string;
  stage: string;
  region: string;
  runtime: string;
  /** `custom.esbuild`, as written. */
  esbuild: Record<string, unknown>;
  functions: FunctionDefinition[];
}

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** CloudFormation's short-form tags (`!Ref`, `!GetAtt`, `!Sub`, ...) as their long forms, in every node kind. */
function cloudFormationTypes(text: string): YamlType[] {
  const names = new Set([...text.matchAll(/!([A-Za-z]+)/g)].map((match) => match[1] ?? ''));
  const kinds = ['scalar', 'sequence', 'mapping'] as const;
  return [...names]
    .filter((name) => name.length > 0)
    .flatMap((name) => {
      const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
      return kinds.map((kind) => new yaml.Type(`!${name}`, { kind, construct: (data) => ({ [key]: data }) }));
    });
}

function kebab(logicalId: string): string {
  return logicalId.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

interface Resolver {
  service: string;
  stage: string;
  region: string;
  params: Dict;
  root: Dict;
  resourceTypes: Dict;
}

function lookupPath(root: Dict, path: string): unknown {
  let node: unknown = root;
  for (const part of path.split('.')) node = isDict(node) ? node[part] : undefined;
  return node;
}

/** `${param:x}`, `${self:a.b}`, `${sls:stage}`, `${opt:x, 'default'}`; anything else is refused, not guessed. */
function resolveVariables(value: string, resolver: Resolver, depth = 0): string {
  if (depth > 10) throw new ServiceDefinitionError(`variables nest too deep in "${value}"`);
  return value.replace(/\$\{([^{}]+)\}/g, (whole, inner: string) => {
    const [source, ...rest] = inner.split(':');
    const argument = rest.join(':').trim();
    const fallback = /,\s*'([^']*)'\s*$/.exec(argument)?.[1];
    let resolved: unknown;
    if (source === 'param') resolved = resolver.params[argument];
    else if (source === 'self') resolved = lookupPath(resolver.root, argument);
    else if (source === 'sls' && argument === 'stage') resolved = resolver.stage;
    else if (source === 'opt') resolved = fallback;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') resolved = String(resolved);
    if (typeof resolved !== 'string')
      throw new ServiceDefinitionError(`cannot resolve ${whole} (the benchmark knows no value for it)`);
    return resolveVariables(resolved, resolver, depth + 1);
  });
}

function resourceName(resolver: Resolver, logicalId: string): string {
  return `${resolver.service}-${resolver.stage}-${kebab(logicalId)}`;
}

/** What `!Ref` returns for a resource, in the shape CloudFormation gives (URL, ARN or name). */
function dummyRef(resolver: Resolver, logicalId: string): string {
  const { region } = resolver;
  switch (logicalId) {
    case 'AWS::AccountId':
      return ACCOUNT_ID;
    case 'AWS::Region':
      return region;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::StackName':
      return `${resolver.service}-${resolver.stage}`;
  }
  const type = resolver.resourceTypes[logicalId];
  if (typeof type !== 'string') throw new ServiceDefinitionError(`!Ref ${logicalId}: no such resource`);
  const name = resourceName(resolver, logicalId);
  if (type === 'AWS::SQS::Queue') return `https://sqs.${region}.amazonaws.com/${ACCOUNT_ID}/${name}`;
  if (type === 'AWS::SNS::Topic') return `arn:aws:sns:${region}:${ACCOUNT_ID}:${name}`;
  if (type === 'AWS::SSM::Parameter') return `/${resolver.service}/${resolver.stage}/${kebab(logicalId)}`;
  return name;
}

function dummyAttribute(resolver: Resolver, target: unknown): string {
  const [logicalId, attribute] = Array.isArray(target)
    ? target.map(String)
    : String(target)
        .split(/\.(.*)/s)
        .map(String);
  const type = logicalId ? resolver.resourceTypes[logicalId] : undefined;
  if (!logicalId || typeof type !== 'string')
    throw new ServiceDefinitionError(`!GetAtt ${String(target)}: no such resource`);
  const name = resourceName(resolver, logicalId);
  if (attribute !== 'Arn') return `${name}-${kebab(attribute ?? '')}`;
  const service = type.split('::')[1]?.toLowerCase() ?? 'unknown';
  if (service === 'iam') return `arn:aws:iam::${ACCOUNT_ID}:role/${name}`;
  return `arn:aws:${service}:${resolver.region}:${ACCOUNT_ID}:${name}`;
}

function environmentValue(resolver: Resolver, name: string, value: unknown): string {
  if (typeof value === 'string') return resolveVariables(value, resolver);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isDict(value) && typeof value.Ref === 'string') return dummyRef(resolver, value.Ref);
  if (isDict(value) && 'Fn::GetAtt' in value) return dummyAttribute(resolver, value['Fn::GetAtt']);
  throw new ServiceDefinitionError(
    `environment ${name}: cannot give a dummy value for ${JSON.stringify(value)}`,
  );
}

function handlerEntry(root: string, handler: string): { entry: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  const base = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  // The extensions serverless-esbuild tries, in its order.
  const entry = ['.ts', '.js', '.jsx', '.tsx', '.mts', '.mjs', '.cts', '.cjs']
    .map((extension) => `${base}${extension}`)
    .find((candidate) => existsSync(join(root, candidate)));
  if (dot < 1 || !entry) throw new ServiceDefinitionError(`handler ${handler}: no source file found`);
  return { entry, exportName };
}

/** Reads `<root>/serverless.yml`; the stage is the default one (`dev`) unless given. */
export function readServiceDefinition(root: string, stage = 'dev'): ServiceDefinition {
  const file = join(root, 'serverless.yml');
  const text = readFileSync(file, 'utf8');
  const document = yaml.load(text, {
    schema: yaml.DEFAULT_SCHEMA.extend(cloudFormationTypes(text)),
    filename: file,
  });
  if (!isDict(document)) throw new ServiceDefinitionError('serverless.yml is not a mapping');
  const provider = isDict(document.provider) ? document.provider : {};
  const custom = isDict(document.custom) ? document.custom : {};
  const params = isDict(document.params) && isDict(document.params.default) ? document.params.default : {};
  const resources =
    isDict(document.resources) && isDict(document.resources.Resources) ? document.resources.Resources : {};
  const resourceTypes = Object.fromEntries(
    Object.entries(resources).map(([id, resource]) => [id, isDict(resource) ? resource.Type : undefined]),
  );
  const service = String(document.service);
  const resolver: Resolver = { service, stage, region: '', params, root: document, resourceTypes };
  resolver.region = resolveVariables(String(provider.region ?? 'us-east-1'), resolver);

  const functions = Object.entries(isDict(document.functions) ? document.functions : {}).map(
    ([name, definition]): FunctionDefinition => {
      if (!isDict(definition) || typeof definition.handler !== 'string')
        throw new ServiceDefinitionError(`function ${name} has no handler`);
      const variables = {
        ...(isDict(provider.environment) ? provider.environment : {}),
        ...(isDict(definition.environment) ? definition.environment : {}),
      };
      return {
        name,
        ...handlerEntry(root, definition.handler),
        environment: Object.fromEntries(
          Object.entries(variables).map(([key, value]) => [key, environmentValue(resolver, key, value)]),
        ),
      };
    },
  );
  if (!isDict(custom.esbuild)) throw new ServiceDefinitionError('serverless.yml has no custom.esbuild');
  return {
    service,
    stage,
    region: resolver.region,
    runtime: String(provider.runtime ?? ''),
    esbuild: custom.esbuild,
    functions,
  };
}
