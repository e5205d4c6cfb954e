// The build failed (invoker.buildResult); it must have failed on the goal's report, not on anything else.
def log = new File(basedir, 'build.log').text

// One violation, as buf prints it (file:line:column:RULE message): line 8 declares the changed field.
assert log.contains('[ERROR] shop/v1/order.proto:8:3:FIELD_SAME_TYPE field 2 "quantity" of message Order changed type from int64 to string')
assert log.contains('1 breaking change(s) against baseline, listed above')

// The plugin and trunk-cli came from the repository invoker:install filled, not from ~/.m2.
def trunk = new File(localRepositoryPath, 'dev/trunk')
assert new File(trunk, 'trunk-maven-plugin').isDirectory()
assert new File(trunk, 'trunk-cli').isDirectory()
