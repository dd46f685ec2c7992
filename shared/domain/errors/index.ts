/**
 * The errors the domain raises and answers with. They are a vocabulary every
 * layer shares (`code`, `status`, whether the message may be shown: STYLE 5),
 * so they live in shared/infra/errors/, which infra's own validation, OpenAPI
 * envelopes and replica acknowledgement use directly; the domain and the
 * processes import them from here.
 */
export * from '../../infra/errors/index.js';
