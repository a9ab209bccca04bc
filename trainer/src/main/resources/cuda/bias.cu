// Bias of a linear layer. Forward: out (N, OC) += bias (OC), fp32 or bf16 out. Backward: dbias (OC) += the column
// sums of dout (N, OC), fp32 or bf16, summed in fp32 and deterministically (a fixed split of the rows, then the
// partial sums in order), so a resumed run repeats an uninterrupted one to the bit. The matrix product itself is
// cuBLAS. Row kernels: blocks take rows in turn, threads take two columns at a time (one access) when OC is even.

template <typename T>
__device__ __forceinline__ void bias_add(T* out, const float* bias, long long N, int OC) {
  for (long long row = blockIdx.x; row < N; row += gridDim.x) {
    T* y = out + row * OC;
    if ((OC & 1) == 0) {
      for (int c = 2 * threadIdx.x; c < OC; c += 2 * blockDim.x) {
        float2 value = load_pair(y, c);
        store_pair(y, c, make_float2(value.x + bias[c], value.y + bias[c + 1]));
      }
    } else {
      for (int c = threadIdx.x; c < OC; c += blockDim.x) store_output(y, c, load_value(y, c) + bias[c]);
    }
  }
}

extern "C" __global__ void bias_forward(float* out, const float* bias, long long N, int OC) {
  bias_add(out, bias, N, OC);
}

// The same on a bf16 output (BF16 mode's QKV projection, which attention reads as bf16): out (N, OC) bf16.
extern "C" __global__ void bias_forward_bf16(unsigned short* out, const float* bias, long long N, int OC) {
  bias_add(out, bias, N, OC);
}

// Backward, stage 1: grid (ceil(OC / 64), chunks), 256 threads = 8 warps over the block's 64 columns (a lane owns
// two); the rows split into gridDim.y equal chunks, warp w sums rows w, w + 8, ... of its chunk, four at a time so
// four loads are in flight; the warps' sums are added in warp order and written to partials[chunk * OC + column].
template <typename T>
__device__ __forceinline__ void bias_gradient(float* partials, const T* dout, int N, int OC) {
  __shared__ float sums[8][64];
  int lane = threadIdx.x & 31;
  int warp = threadIdx.x >> 5;
  int c = blockIdx.x * 64 + 2 * lane;
  int rows = (N + gridDim.y - 1) / gridDim.y;
  int first = blockIdx.y * rows;
  int last = min(N, first + rows);
  bool pair = (OC & 1) == 0 && c < OC;
  float s0 = 0.0f, s1 = 0.0f;
  int row = first + warp;
  if (pair) {
    for (; row + 24 < last; row += 32) {
      float2 a = load_pair(dout, (long long)row * OC + c);
      float2 b = load_pair(dout, (long long)(row + 8) * OC + c);
      float2 d = load_pair(dout, (long long)(row + 16) * OC + c);
      float2 e = load_pair(dout, (long long)(row + 24) * OC + c);
      s0 += (a.x + b.x) + (d.x + e.x);
      s1 += (a.y + b.y) + (d.y + e.y);
    }
    for (; row < last; row += 8) {
      float2 a = load_pair(dout, (long long)row * OC + c);
      s0 += a.x;
      s1 += a.y;
    }
  } else {
    for (; row < last; row += 8) {
      if (c < OC) s0 += load_value(dout, (long long)row * OC + c);
      if (c + 1 < OC) s1 += load_value(dout, (long long)row * OC + c + 1);
    }
  }
  sums[warp][2 * lane] = s0;
  sums[warp][2 * lane + 1] = s1;
  __syncthreads();
  if (threadIdx.x < 64) {
    float total = 0.0f;
    for (int w = 0; w < 8; w++) total += sums[w][threadIdx.x];
    int column = blockIdx.x * 64 + threadIdx.x;
    if (column < OC) partials[(long long)blockIdx.y * OC + column] = total;
  }
}

extern "C" __global__ void bias_gradient_partial(float* partials, const float* dout, int N, int OC) {
  bias_gradient(partials, dout, N, OC);
}

extern "C" __global__ void bias_gradient_partial_bf16(float* partials, const unsigned short* dout, int N, int OC) {
  bias_gradient(partials, dout, N, OC);
}

// Stage 2: dbias[c] += partials[0][c] + partials[1][c] + ... in chunk order.
extern "C" __global__ void bias_gradient_sum(float* dbias, const float* partials, int chunks, int OC) {
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= OC) return;
  float total = 0.0f;
  for (int k = 0; k < chunks; k++) total += partials[(long long)k * OC + c];
  dbias[c] += total;
}
