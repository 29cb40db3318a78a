export * from './types';
export { KvService } from './kv-service';
export { canonicalJson, NotJsonError } from './canonical-json';
