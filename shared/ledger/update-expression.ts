/** Building DynamoDB expressions without hand-numbered placeholders. */
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';

export type Values = Record<string, NativeAttributeValue>;

/** Names and values of one expression: every attribute goes through a placeholder (several are reserved words). */
export class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Values = {};
  #next = 0;

  name(attribute: string): string {
    const placeholder = `#${attribute}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: NativeAttributeValue): string {
    const placeholder = `:v${this.#next}`;
    this.#next += 1;
    this.values[placeholder] = value;
    return placeholder;
  }

  assign(fields: Values): string[] {
    return Object.entries(fields).map(([field, value]) => `${this.name(field)} = ${this.value(value)}`);
  }

  /** Condition: the item is still the revision that was read. */
  sameRevision(revision: number): string {
    const name = this.name('revision');
    const value = this.value(revision);
    return revision === 0 ? `(attribute_not_exists(${name}) OR ${name} = ${value})` : `${name} = ${value}`;
  }
}
