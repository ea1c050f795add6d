/** Types of the local Serverless plugin `validate-params.js`, for the tests that import it. */

export type ParameterValues = Record<string, string | undefined>;

export declare function isBucketName(name: string): boolean;

export declare const PARAMETER_RULES: Record<string, (value: string) => string | undefined>;

export declare function validateParameters(values: ParameterValues): { errors: string[]; warnings: string[] };

export declare function formatErrors(errors: string[]): string;

export default class ValidateParametersPlugin {
  constructor(serverless: unknown, options: unknown, utils?: unknown);
  hooks: Record<string, () => void>;
  check(): void;
}
