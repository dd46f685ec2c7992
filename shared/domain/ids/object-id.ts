import { ObjectId } from 'bson';

/** A 24-hex ObjectId string, lower case; the form orders are addressed by. */
export const OBJECT_ID_PATTERN = '^[0-9a-fA-F]{24}$';

/**
 * A new ObjectId as 24 lower-case hex characters, made at the API so the
 * answer can carry the id before the document exists. ObjectIds are unique
 * without coordination (timestamp, per-process random value, counter).
 */
export function newObjectId(): string {
  return new ObjectId().toHexString();
}
