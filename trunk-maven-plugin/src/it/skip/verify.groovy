// The build passed (invoker.buildResult) although src/main/proto breaks the baseline: the goal skipped.
def log = new File(basedir, 'build.log').text

assert log.contains('[INFO] Breaking-change check skipped')
assert !log.contains('No breaking change against')
assert !log.contains('FIELD_SAME_TYPE')
