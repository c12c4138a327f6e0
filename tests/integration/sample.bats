#!/usr/bin/env bats
# sample.bats - config.json.sample at the top of the tree is exactly what
# `vessel spec` writes, and a bundle made from it runs.

load helpers

@test "config.json.sample is what vessel spec prints" {
	rm -f "$TEST_DIR/config.json"
	run "$VESSEL" spec --bundle "$TEST_DIR"
	assert_success
	run diff -u "$TOP/config.json.sample" "$TEST_DIR/config.json"
	assert_success
	assert_output ""
}

@test "config.json.sample parses and runs a busybox container" {
	cp "$TOP/config.json.sample" "$BUNDLE/config.json"
	update_config ".process.terminal = false | .process.args = [\"sh\", \"-c\", \"echo sample-ok\"] | .linux.cgroupsPath = \"/$CG_NAME\""
	run vessel run --bundle "$BUNDLE" sample
	assert_success
	assert_output sample-ok
}
