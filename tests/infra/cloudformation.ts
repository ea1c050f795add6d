/**
 * Just enough of CloudFormation's intrinsic functions to read a packaged template the way a deployment
 * would see it: conditions decided, `Fn::If` branches chosen, `AWS::NoValue` dropped, lists split and
 * joined. References to resources become readable placeholders (`ref:IntakeQueue`,
 * `IntakeQueue.Arn`), so a test can tell which resource a property points at.
 */

export type Template = {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown }>;
};

export const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::AccountId': '123456789012',
  'AWS::Region': 'us-east-1',
  'AWS::Partition': 'aws',
  'AWS::StackName': 's3-replication-doctor-test',
  'AWS::URLSuffix': 'amazonaws.com',
};

const NO_VALUE = Symbol('AWS::NoValue');

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refOf(name: string): unknown {
  if (name === 'AWS::NoValue') return NO_VALUE;
  const pseudo = PSEUDO_PARAMETERS[name];
  if (pseudo !== undefined) return pseudo;
  return `ref:${name}`;
}

function asString(value: unknown, where: string): string {
  if (typeof value !== 'string')
    throw new TemplateError(`${where} needs a string, got ${JSON.stringify(value)}`);
  return value;
}

function asList(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new TemplateError(`${where} needs a list, got ${JSON.stringify(value)}`);
  return value;
}

export class TemplateResolver {
  private readonly conditions = new Map<string, boolean>();

  constructor(private readonly template: Template) {}

  condition(name: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new TemplateError(`unknown condition ${name}`);
    const value = this.evaluateCondition(definition);
    this.conditions.set(name, value);
    return value;
  }

  private evaluateCondition(definition: unknown): boolean {
    const value = this.resolve(definition);
    if (typeof value !== 'boolean')
      throw new TemplateError(`condition is not a boolean: ${JSON.stringify(definition)}`);
    return value;
  }

  /** A resource's properties as deployed, or undefined when its condition leaves it out. */
  resource(logicalId: string): { Type: string; Properties: Record<string, unknown> } | undefined {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new TemplateError(`no resource ${logicalId}`);
    if (resource.Condition && !this.condition(resource.Condition)) return undefined;
    return {
      Type: resource.Type,
      Properties: this.resolve(resource.Properties ?? {}) as Record<string, unknown>,
    };
  }

  resourcesOfType(type: string): { logicalId: string; Properties: Record<string, unknown> }[] {
    return Object.keys(this.template.Resources).flatMap((logicalId) => {
      const resource =
        this.template.Resources[logicalId]?.Type === type ? this.resource(logicalId) : undefined;
      return resource ? [{ logicalId, Properties: resource.Properties }] : [];
    });
  }

  resolve(value: unknown): unknown {
    if (Array.isArray(value))
      return value.map((item) => this.resolve(item)).filter((item) => item !== NO_VALUE);
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    const [key] = keys;
    if (
      keys.length === 1 &&
      key !== undefined &&
      (key === 'Ref' || key.startsWith('Fn::') || key === 'Condition')
    ) {
      return this.intrinsic(key, value[key]);
    }
    const resolved: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) {
      const result = this.resolve(item);
      if (result !== NO_VALUE) resolved[name] = result;
    }
    return resolved;
  }

  private intrinsic(name: string, argument: unknown): unknown {
    switch (name) {
      case 'Ref':
        return refOf(asString(argument, 'Ref'));
      case 'Condition':
        return this.condition(asString(argument, 'Condition'));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = asList(argument, name);
        return `${asString(logicalId, name)}.${asString(attribute, name)}`;
      }
      case 'Fn::If': {
        const [conditionName, whenTrue, whenFalse] = asList(argument, name);
        return this.resolve(this.condition(asString(conditionName, name)) ? whenTrue : whenFalse);
      }
      case 'Fn::Equals': {
        const [left, right] = asList(argument, name).map((item) => this.resolve(item));
        return JSON.stringify(left) === JSON.stringify(right);
      }
      case 'Fn::Not': {
        const [inner] = asList(argument, name);
        return !this.evaluateCondition(inner);
      }
      case 'Fn::And':
        return asList(argument, name).every((inner) => this.evaluateCondition(inner));
      case 'Fn::Or':
        return asList(argument, name).some((inner) => this.evaluateCondition(inner));
      case 'Fn::Split': {
        const [delimiter, source] = asList(argument, name);
        return asString(this.resolve(source), name).split(asString(delimiter, `${name} delimiter`));
      }
      case 'Fn::Join': {
        const [delimiter, items] = asList(argument, name);
        const parts = asList(this.resolve(items), name).map((item) => asString(item, `${name} item`));
        return parts.join(asString(delimiter, `${name} delimiter`));
      }
      case 'Fn::Select': {
        const [index, items] = asList(argument, name);
        return asList(this.resolve(items), name)[Number(this.resolve(index))];
      }
      case 'Fn::Sub': {
        const [text, variables] = typeof argument === 'string' ? [argument, {}] : asList(argument, name);
        const values = isObject(variables) ? (this.resolve(variables) as Record<string, unknown>) : {};
        return asString(text, name).replace(/\$\{([^}!]+)\}/g, (_, reference: string) => {
          if (Object.hasOwn(values, reference)) return asString(values[reference], `${name} variable`);
          const [logicalId, attribute] = reference.split('.');
          const resolved = attribute ? `${logicalId}.${attribute}` : refOf(reference);
          return asString(resolved, `${name} reference`);
        });
      }
      default:
        throw new TemplateError(`unsupported intrinsic function ${name}`);
    }
  }
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocumentAt {
  /** Where the document sits, e.g. `DiagnoseRole.Policies[0]` or `IntakeQueuePolicy`. */
  location: string;
  statements: PolicyStatement[];
}

function statementsOf(document: unknown, location: string): PolicyDocumentAt {
  if (!isObject(document)) throw new TemplateError(`${location}: policy document is not an object`);
  const statement = document.Statement;
  const statements = (Array.isArray(statement) ? statement : [statement]) as PolicyStatement[];
  return { location, statements };
}

/**
 * Every policy document in the resolved template, wherever it sits (role trust and inline policies, queue,
 * bucket and topic policies, key policies): any object that holds a `Statement`.
 */
export function policyDocuments(resolver: TemplateResolver, template: Template): PolicyDocumentAt[] {
  const documents: PolicyDocumentAt[] = [];
  const walk = (value: unknown, location: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        walk(item, `${location}[${index}]`);
      });
      return;
    }
    if (!isObject(value)) return;
    if (Object.hasOwn(value, 'Statement')) {
      documents.push(statementsOf(value, location));
      return;
    }
    for (const [key, item] of Object.entries(value)) walk(item, `${location}.${key}`);
  };
  for (const logicalId of Object.keys(template.Resources)) {
    const resource = resolver.resource(logicalId);
    if (resource) walk(resource.Properties, logicalId);
  }
  return documents;
}

export function actionsOf(statement: PolicyStatement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: PolicyStatement): unknown[] {
  if (statement.Resource === undefined) return [];
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}
