// The build failed (invoker.buildResult) on the field the descriptor set has and src/main/proto lacks:
// the baseline was read from baseline/shop-v1.binpb, not taken as empty.
def log = new File(basedir, 'build.log').text

// Line 6 is the message that lost the field.
assert log.contains('[ERROR] shop/v1/order.proto:6:1:FIELD_NO_DELETE field 3 "note" of message Order was deleted')
assert log.contains('1 breaking change(s) against baseline/shop-v1.binpb, listed above')
