// The build passed (invoker.buildResult); the goal must have run and found nothing.
def log = new File(basedir, 'build.log').text

assert log.contains('[INFO] No breaking change against baseline')
assert !log.contains('[ERROR]')
