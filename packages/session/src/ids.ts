/**
 * Session-scope request IDs (spec wamp.md "IDs", session scope): incremented by 1 starting at 1,
 * wrapping to 1 after 2^53, one sequence per direction.
 */
import { MAX_ID } from '@wampkit/serializers';

/** Session-scope request IDs (spec wamp.md "IDs"): 1, 2, 3, ... wrapping to 1 after 2^53. */
export class RequestIdSequence {
  private last: number;

  /** `last` is the id issued before the first one (0 for a new session; tests use it to wrap). */
  constructor(last = 0) {
    this.last = last;
  }

  /** Issues the next request ID. */
  next(): number {
    this.last = this.peek();
    return this.last;
  }

  /** The id `next()` will issue, without issuing it (a request takes its id only once sent). */
  peek(): number {
    return this.last >= MAX_ID ? 1 : this.last + 1;
  }

  /** The id most recently issued (0 before the first). */
  get current(): number {
    return this.last;
  }
}
