/** Assembles one UpdateItem's SET / ADD / REMOVE clauses and its condition, every name and value a placeholder. */
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { Expression, type Values } from '../ledger/update-expression.js';

export interface UpdateParts {
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Values;
}

export class UpdateClauses {
  readonly #expression = new Expression();
  readonly #set: string[] = [];
  readonly #add: string[] = [];
  readonly #remove: string[] = [];
  readonly #conditions: string[] = [];

  /** A placeholder for a path such as `redrive.state`. */
  path(path: string): string {
    return path
      .split('.')
      .map((part) => this.#expression.name(part))
      .join('.');
  }

  value(value: NativeAttributeValue): string {
    return this.#expression.value(value);
  }

  set(path: string, value: NativeAttributeValue): this {
    this.#set.push(`${this.path(path)} = ${this.value(value)}`);
    return this;
  }

  /** Sets the attribute only where the item does not have it yet (first writer wins). */
  setIfAbsent(path: string, value: NativeAttributeValue): this {
    const name = this.path(path);
    this.#set.push(`${name} = if_not_exists(${name}, ${this.value(value)})`);
    return this;
  }

  /** A raw SET assignment whose placeholders came from `path` and `value`. */
  assign(assignment: string): this {
    this.#set.push(assignment);
    return this;
  }

  add(path: string, value: NativeAttributeValue): this {
    this.#add.push(`${this.path(path)} ${this.value(value)}`);
    return this;
  }

  remove(...paths: string[]): this {
    for (const path of paths) this.#remove.push(this.path(path));
    return this;
  }

  /** Conditions are joined with AND. */
  when(condition: string): this {
    this.#conditions.push(condition);
    return this;
  }

  /**
   * The parts of the update. `expressions` are other expressions of the same request (a query's key
   * condition or filter) whose placeholders must be kept. DynamoDB refuses unused placeholders, so those
   * made for a branch that was not taken are left out.
   */
  build(...expressions: string[]): UpdateParts {
    const clauses = [
      this.#set.length > 0 ? `SET ${this.#set.join(', ')}` : '',
      this.#add.length > 0 ? `ADD ${this.#add.join(', ')}` : '',
      this.#remove.length > 0 ? `REMOVE ${this.#remove.join(', ')}` : '',
    ].filter((clause) => clause !== '');
    const update = clauses.join(' ');
    const condition = this.#conditions.length > 0 ? this.#conditions.join(' AND ') : undefined;
    const used = new Set([update, condition ?? '', ...expressions].join(' ').match(/[#:][A-Za-z0-9_]+/g));
    const keep = <V>(entries: Record<string, V>): Record<string, V> =>
      Object.fromEntries(Object.entries(entries).filter(([placeholder]) => used.has(placeholder)));
    const values = keep(this.#expression.values);
    return {
      UpdateExpression: update,
      ...(condition ? { ConditionExpression: condition } : {}),
      ExpressionAttributeNames: keep(this.#expression.names),
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    };
  }
}
