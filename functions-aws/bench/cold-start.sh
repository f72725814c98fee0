#!/usr/bin/env sh
# Cold start of the S3 handler against baselines that only build the SDK clients (and read one object),
# default JVM and C1 only, plus the first invocation after a primed vs unprimed init (SnapStart proxy).
# Usage (from the repository root):
#   functions-aws/bench/cold-start.sh [rounds] [--crt] [--jvm=FLAG]... [--keep-logs=DIR]
set -eu
cd "$(dirname "$0")/../.."
# one reactor run, so inlet-common (and its test-jar) come from this checkout, not from ~/.m2
./mvnw -q -B -pl functions-aws -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/functions-aws/target/bench-classpath.txt"
cd functions-aws
exec java -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" io.inlet.aws.bench.ColdStartBench "$@"
