// Optimizer updates on fp32 master weights, plus the squared L2 norm used for global gradient clipping.
// grad_scale folds clipping into the update so the gradients themselves stay untouched.

__device__ __forceinline__ void adamw_element(float& p, float g, float& m, float& v, float learning_rate,
                                              float beta1, float beta2, float beta1_correction,
                                              float beta2_correction, float epsilon, float weight_decay) {
  float mi = beta1 * m + (1.0f - beta1) * g;
  float vi = beta2 * v + (1.0f - beta2) * g * g;
  m = mi;
  v = vi;
  float m_hat = mi / beta1_correction;
  float v_hat = vi / beta2_correction;
  p = p - learning_rate * (m_hat / (sqrtf(v_hat) + epsilon) + weight_decay * p);
}

// Four elements per access where the arrays are 16-byte aligned (they share one alignment: the same float offset
// into allocations that start aligned; if not, all go one at a time); the elements before the first aligned one
// and after the last whole four go one at a time. Each element's arithmetic is the same either way.
extern "C" __global__ void adamw_update(float* params, const float* grads, float* m, float* v, long long n,
                                        float learning_rate, float beta1, float beta2, float beta1_correction,
                                        float beta2_correction, float epsilon, float weight_decay,
                                        float grad_scale) {
  unsigned long long base = (unsigned long long)params;
  long long head = (long long)(((16 - (base & 15)) & 15) / 4);
  bool shared_alignment = (((base ^ (unsigned long long)grads) | (base ^ (unsigned long long)m)
                            | (base ^ (unsigned long long)v)) & 15) == 0;
  if (head > n || !shared_alignment) head = n;
  long long vectors = (n - head) / 4;
  long long tail = head + 4 * vectors;
  long long first = blockIdx.x * (long long)blockDim.x + threadIdx.x;
  long long stride = (long long)gridDim.x * blockDim.x;
  for (long long k = first; k < vectors; k += stride) {
    long long i = head + 4 * k;
    float4 p4 = *(float4*)(params + i);
    float4 g4 = *(const float4*)(grads + i);
    float4 m4 = *(float4*)(m + i);
    float4 v4 = *(float4*)(v + i);
    adamw_element(p4.x, g4.x * grad_scale, m4.x, v4.x, learning_rate, beta1, beta2, beta1_correction,
                  beta2_correction, epsilon, weight_decay);
    adamw_element(p4.y, g4.y * grad_scale, m4.y, v4.y, learning_rate, beta1, beta2, beta1_correction,
                  beta2_correction, epsilon, weight_decay);
    adamw_element(p4.z, g4.z * grad_scale, m4.z, v4.z, learning_rate, beta1, beta2, beta1_correction,
                  beta2_correction, epsilon, weight_decay);
    adamw_element(p4.w, g4.w * grad_scale, m4.w, v4.w, learning_rate, beta1, beta2, beta1_correction,
                  beta2_correction, epsilon, weight_decay);
    *(float4*)(params + i) = p4;
    *(float4*)(m + i) = m4;
    *(float4*)(v + i) = v4;
  }
  long long singles = head + (n - tail);
  for (long long k = first; k < singles; k += stride) {
    long long i = k < head ? k : tail + (k - head);
    adamw_element(params[i], grads[i] * grad_scale, m[i], v[i], learning_rate, beta1, beta2, beta1_correction,
                  beta2_correction, epsilon, weight_decay);
  }
}

extern "C" __global__ void sgd_update(float* params, const float* grads, long long n, float learning_rate,
                                      float grad_scale) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    params[i] -= learning_rate * grads[i] * grad_scale;
  }
}

// Squared L2 norm for clipping, deterministic: each block writes its sum to partials[block] (the grid is fixed by
// the launcher), then sum_partials adds them in a fixed order, in double so 124M squares keep the small ones.
extern "C" __global__ void sum_of_squares(const float* x, long long n, double* partials) {
  __shared__ float shared32[32];
  float local = 0.0f;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    local += x[i] * x[i];
  }
  float total = block_sum(local, shared32);
  if (threadIdx.x == 0) partials[blockIdx.x] = (double)total;
}

// result = the sum of count doubles, by one block of 256 threads: strided sums, then a fixed tree.
extern "C" __global__ void sum_partials(const double* partials, int count, double* result) {
  __shared__ double sums[256];
  double local = 0.0;
  for (int i = threadIdx.x; i < count; i += blockDim.x) local += partials[i];
  sums[threadIdx.x] = local;
  __syncthreads();
  for (int half = blockDim.x / 2; half > 0; half >>= 1) {
    if (threadIdx.x < half) sums[threadIdx.x] += sums[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) *result = sums[0];
}
