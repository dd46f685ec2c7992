/** One item's own answer. */
export interface WriteResult<R, Id> {
  /** 202 accepted (queued), or 201 / 200 persisted when the client asked to wait (`waitSeconds`). */
  readonly status: number;
  /** The resource's id (`uuid` for customers). */
  readonly id: Id;
  /** The persist job that carries the write (visible in Bull Board). */
  readonly jobId: string;
  /** The resource as the server answered it, with its generated fields. */
  readonly resource: R;
}
