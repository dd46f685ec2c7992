import type { OperationDoc } from '../../shared/infra/openapi/openapi-document.js';

const text = { description: 'text', schema: { type: 'string' }, contentType: 'text/plain' };

/** The routes every service app has besides its own, documented like the rest. */
export const COMMON_OPERATIONS: readonly OperationDoc[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'The process is alive',
    responses: { 200: { description: 'alive', schema: { type: 'object' } } },
  },
  {
    method: 'get',
    path: '/ready',
    summary: 'Redis (queue and cache), MySQL and Mongo answer',
    responses: {
      200: { description: 'every dependency answers', schema: { type: 'object' } },
      503: { description: 'names each dependency that does not', schema: { type: 'object' } },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics of this process',
    responses: { 200: text },
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3 document', schema: { type: 'object' } } },
  },
  {
    method: 'get',
    path: '/api/',
    summary: 'Swagger UI for this document',
    responses: { 200: { ...text, contentType: 'text/html' } },
  },
];
