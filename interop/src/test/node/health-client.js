// An independent health client (grpc-js with the health.proto of the grpc-health-check package):
// node health-client.js HOST:PORT SERVICE
// Prints "check <status>" for the whole server, then one "watch <status>" line per update of
// SERVICE, and exits 0 after the second update (the test changes the status in between).
'use strict';
const grpc = require('@grpc/grpc-js');
const { service } = require('grpc-health-check');

const [target, watched] = process.argv.slice(2);
const Health = grpc.makeGenericClientConstructor(service, 'Health');
const client = new Health(target, grpc.credentials.createInsecure());
const deadline = () => new Date(Date.now() + 10000);

function fail(what, error) {
  console.log(`${what} failed: ${error.code} ${error.details}`);
  process.exit(1);
}

client.check({ service: '' }, { deadline: deadline() }, (error, response) => {
  if (error) fail('check', error);
  console.log(`check ${response.status}`);
  const call = client.watch({ service: watched }, { deadline: deadline() });
  let updates = 0;
  call.on('data', (response) => {
    console.log(`watch ${response.status}`);
    if (++updates === 2) {
      call.cancel();
      client.close();
      process.exit(0);
    }
  });
  call.on('error', (error) => fail('watch', error));
});
