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
export const { EmptySchema } = await import('./gen/grpc/testing/empty_pb.js');
export const { PayloadType } = await import('./gen/grpc/testing/messages_pb.js');
