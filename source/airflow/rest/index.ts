export { createRestSource, type RestAuth, type RestSource, type RestSourceOptions } from './source.js';
export type { HttpRequest, HttpResult } from './http.js';
