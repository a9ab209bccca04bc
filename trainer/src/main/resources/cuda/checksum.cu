// Order-independent 64-bit fingerprint of a float vector, for the replicas' agreement check without copying the
// parameters to the host: the sum (mod 2^64) over i of mix64((i << 32) | bits(x[i])). The host computes the same
// function (ParameterChecksum), so every engine reports the same fingerprint for the same vector. A change in any
// element changes its term, hence the sum. Addition mod 2^64 is associative and commutative: the result does not
// depend on the order in which blocks add their partial sums, so it is deterministic.

__device__ __forceinline__ unsigned long long mix64(unsigned long long z) {  // SplitMix64's finaliser
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// result (one unsigned 64-bit integer) must be zeroed before the launch.
extern "C" __global__ void checksum(const float* x, long long n, unsigned long long* result) {
  __shared__ unsigned long long partial[32];
  unsigned long long local = 0ull;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    unsigned long long key = ((unsigned long long)i << 32) | (unsigned long long)__float_as_uint(x[i]);
    local += mix64(key);
  }
  for (int offset = 16; offset > 0; offset >>= 1) local += __shfl_xor_sync(0xffffffffu, local, offset);
  int lane = threadIdx.x & 31;
  int warp = threadIdx.x >> 5;
  if (lane == 0) partial[warp] = local;
  __syncthreads();
  if (warp == 0) {
    unsigned long long total = lane < (blockDim.x >> 5) ? partial[lane] : 0ull;
    for (int offset = 16; offset > 0; offset >>= 1) total += __shfl_xor_sync(0xffffffffu, total, offset);
    if (lane == 0) atomicAdd(result, total);
  }
}
