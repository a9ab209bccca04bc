// GELU, tanh approximation (GPT-2's): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
#define GELU_SCALE 0.7978845608028654f

__device__ __forceinline__ float gelu(float x) {
  return 0.5f * x * (1.0f + tanhf(GELU_SCALE * (x + 0.044715f * x * x * x)));
}

// fc (N, OC) += bias, then out = GELU(fc): the MLP's first bias and activation in one pass. fc keeps the
// pre-activation (with bias) for the backward. Both are fp32 in FP32 mode and bf16 in BF16 mode. Blocks take rows
// in turn, threads two columns at a time (one access each) when OC is even, so no element needs a division.
template <typename T>
__device__ __forceinline__ void bias_gelu(T* out, T* fc, const float* bias, long long N, int OC) {
  for (long long row = blockIdx.x; row < N; row += gridDim.x) {
    long long base = row * OC;
    if ((OC & 1) == 0) {
      for (int c = 2 * threadIdx.x; c < OC; c += 2 * blockDim.x) {
        float2 x = load_pair(fc, base + c);
        x.x += bias[c];
        x.y += bias[c + 1];
        store_pair(fc, base + c, x);
        store_pair(out, base + c, make_float2(gelu(x.x), gelu(x.y)));
      }
    } else {
      for (int c = threadIdx.x; c < OC; c += blockDim.x) {
        float x = load_value(fc, base + c) + bias[c];
        store_output(fc, base + c, x);
        store_output(out, base + c, gelu(x));
      }
    }
  }
}

extern "C" __global__ void bias_gelu_forward(float* out, float* fc, const float* bias, long long N, int OC) {
  bias_gelu(out, fc, bias, N, OC);
}

extern "C" __global__ void bias_gelu_forward_bf16(unsigned short* out, unsigned short* fc, const float* bias,
                                                  long long N, int OC) {
  bias_gelu(out, fc, bias, N, OC);
}

__device__ __forceinline__ float gelu_derivative(float x) {
  float cube = 0.044715f * x * x * x;
  float t = tanhf(GELU_SCALE * (x + cube));
  float sech2 = 1.0f - t * t;
  return 0.5f * (1.0f + t) + 0.5f * x * sech2 * GELU_SCALE * (1.0f + 3.0f * 0.044715f * x * x);
}

// dinout holds dL/d(out) on entry and dL/d(inp) on return; n elements, two per access (the last one alone when n
// is odd).
template <typename T>
__device__ __forceinline__ void gelu_gradient(T* dinout, const T* inp, long long n) {
  long long pairs = n >> 1;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < pairs; i += (long long)gridDim.x * blockDim.x) {
    float2 d = load_pair(dinout, 2 * i);
    float2 x = load_pair(inp, 2 * i);
    store_pair(dinout, 2 * i, make_float2(d.x * gelu_derivative(x.x), d.y * gelu_derivative(x.y)));
  }
  if ((n & 1) && blockIdx.x == 0 && threadIdx.x == 0) {
    store_output(dinout, n - 1, load_value(dinout, n - 1) * gelu_derivative(load_value(inp, n - 1)));
  }
}

extern "C" __global__ void gelu_backward(float* dinout, const float* inp, long long n) {
  gelu_gradient(dinout, inp, n);
}

// BF16 mode: the same on bf16 gradient and pre-activation (the fc layer's backward products read dinout).
extern "C" __global__ void gelu_backward_bf16(unsigned short* dinout, const unsigned short* inp, long long n) {
  gelu_gradient(dinout, inp, n);
}
