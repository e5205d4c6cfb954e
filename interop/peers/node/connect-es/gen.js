// The generated connect-es code (gen/, written by generate.js), with a clear message if missing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gen', 'grpc', 'testing');
if (!fs.existsSync(path.join(dir, 'test_pb.js'))) {
  console.error(`${dir}/test_pb.js is missing: run 'node generate.js' next to this script first`);
  process.exit(2);
}

export const { TestService, UnimplementedService } = await import('./gen/grpc/testing/test_pb.js');
const { MethodOptions_IdempotencyLevel } = await import('@bufbuild/protobuf/wkt');

// interop-test-descriptions.md makes CacheableUnaryCall's response cacheable, but test.proto does
// not mark the method `idempotency_level = NO_SIDE_EFFECTS`, which the Connect protocol needs for
// a GET. Marked here, so the Connect client sends it as a GET and the server accepts one.
TestService.method.cacheableUnaryCall.idempotency = MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS;
export const { EmptySchema } = await import('./gen/grpc/testing/empty_pb.js');
export const { PayloadType } = await import('./gen/grpc/testing/messages_pb.js');
