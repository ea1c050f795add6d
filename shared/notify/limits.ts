/** How much of a notification a renderer includes, so a channel with a size limit can shrink it step by step. */
export interface RenderLimits {
  /** Objects (and planned copies) listed; the rest are counted as "…and N more". */
  maxObjects: number;
  /** Whether each cause's evidence is included (the first thing dropped after the object list). */
  evidence: boolean;
}

/** Everything: for channels without a tight size limit (the preview, files). */
export const FULL: RenderLimits = { maxObjects: Number.POSITIVE_INFINITY, evidence: true };

/** Representative diagnoses in a JSON document: they share one cause, so a few show its full shape. */
export const MAX_DIAGNOSES_IN_DOCUMENT = 10;
