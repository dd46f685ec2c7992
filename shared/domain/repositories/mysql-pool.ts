/**
 * The pool moved to shared/infra/databases/mysql-pool.ts; this re-export
 * remains only while shared/domain/resources/created-resource.ts and
 * shared/domain/repositories/created-resource.repository.ts import the type
 * from here. Delete it once they import it from infra.
 */
export type { MysqlPool } from '../../infra/databases/mysql-pool.js';
