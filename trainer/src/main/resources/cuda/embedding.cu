// Token + position embedding. tokens is the batch as it arrives: B rows of row_stride (= T + 1) ids; inputs are
// positions 0..T-1 of each row. Ids repeat within a batch and every row adds into the same position rows, so the
// backward sums each destination row in a fixed order instead of scattering with atomics (below).

extern "C" __global__ void embedding_forward(float* out, const int* tokens, const float* wte, const float* wpe,
                                             int B, int T, int C, int row_stride) {
  long long total = (long long)B * T * C;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total;
       i += (long long)gridDim.x * blockDim.x) {
    int c = (int)(i % C);
    long long row = i / C;
    int t = (int)(row % T);
    int b = (int)(row / T);
    int token = tokens[(long long)b * row_stride + t];
    out[i] = wte[(long long)token * C + c] + wpe[(long long)t * C + c];
  }
}

// Backward, deterministic (no atomics, so a resumed run repeats an uninterrupted one to the bit). Positions:
// dwpe (T, C) += the sum over rows b of dout[b, t, :], added in row order.
extern "C" __global__ void embedding_backward_positions(float* dwpe, const float* dout, int B, int T, int C) {
  long long total = (long long)T * C;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total;
       i += (long long)gridDim.x * blockDim.x) {
    float sum = 0.0f;
    for (int b = 0; b < B; b++) sum += dout[(long long)b * total + i];
    dwpe[i] += sum;
  }
}

// Tokens: the batch's positions grouped by token id on the host (a counting sort, TokenGroups.java). Segment s
// holds order[start[s] .. start[s + 1]), the flat positions b * T + t where token segment_token[s] occurs, in
// ascending order. Grid (segments, C / blockDim.x): one thread per column of a segment adds the segment's dout rows
// into the token's dwte row in a fixed order, with four independent partial sums (a frequent token's chain is a
// quarter as long) combined as (a0 + a1) + (a2 + a3): deterministic.
extern "C" __global__ void embedding_backward_tokens(float* dwte, const float* dout, const int* order,
                                                     const int* start, const int* segment_token, int segments,
                                                     int C) {
  int c = blockIdx.y * blockDim.x + threadIdx.x;
  if (c >= C) return;
  for (int s = blockIdx.x; s < segments; s += gridDim.x) {
    int from = start[s];
    int to = start[s + 1];
    float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
    int k = from;
    for (; k + 3 < to; k += 4) {
      a0 += dout[(long long)order[k] * C + c];
      a1 += dout[(long long)order[k + 1] * C + c];
      a2 += dout[(long long)order[k + 2] * C + c];
      a3 += dout[(long long)order[k + 3] * C + c];
    }
    for (; k < to; k++) a0 += dout[(long long)order[k] * C + c];
    dwte[(long long)segment_token[s] * C + c] += (a0 + a1) + (a2 + a3);
  }
}
