/**
 * The names infra's typed plumbing is used with, which only the domain knows.
 * shared/infra never imports shared/domain (eslint.config.js), so the domain
 * declares its names into this interface by TypeScript's declaration merging,
 * the way a Fastify plugin adds to `FastifyInstance`:
 * shared/domain/infra-names.ts. A name it does not declare is a type error,
 * so a misspelt entity or cache collection stays one.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the domain fills it in
export interface DomainNames {}

/** What an id counter, a change event and a Mongo copy are named by: the domain's entities. */
export type EntityName = DomainNames extends { readonly entity: infer E extends string }
  ? E
  : never;

/** What the read cache holds, by collection. */
export type CacheCollectionName = DomainNames extends {
  readonly cacheCollection: infer C extends string;
}
  ? C
  : never;
