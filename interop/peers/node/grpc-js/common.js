// The grpc-js peer's part of the shared helpers: ../common.cjs plus the protos via proto-loader.
'use strict';
const common = require('../common.cjs');

/** grpc.testing (TestService, UnimplementedService) loaded with proto-loader from the protos. */
function loadTestingPackage(grpc, flags) {
  const protoLoader = require('@grpc/proto-loader');
  const definition = protoLoader.loadSync('grpc/testing/test.proto', {
    includeDirs: [common.protosDir(flags)],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).grpc.testing;
}

module.exports = { ...common, loadTestingPackage };
