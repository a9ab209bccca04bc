# Sourced by the GPU-machine scripts: the Java command with Spindle's class path and the JVM flags Spark and Arrow
# need (as bin/spindle), CUDA's libraries, NCCL without NVLink multicast (the device tool's rule).
export LD_LIBRARY_PATH=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
export SPARK_LOCAL_IP=127.0.0.1
SPINDLE_CP="/tmp/spindle/app/lib/*:/tmp/spindle/lib/*"
export SPINDLE_CP
JAVA=/tmp/spindle/spindle-jre/bin/java
export JAVA
SPINDLE_JVM=(-Xmx${SPINDLE_HEAP:-48g} -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -Dorg.bytedeco.javacpp.logger=slf4j
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true -Dspindle.log=${SPINDLE_LOG:-WARN})
# spindle ARGS...: the pipeline's Main, as bin/spindle runs it.
spindle() {
  "$JAVA" "${SPINDLE_JVM[@]}" -Dspindle.home="$PWD" -cp "$SPINDLE_CP" dev.spindle.pipeline.Main "$@"
}
