package io.tfjmnist.model.layers;

import java.math.BigInteger;

/**
 * Python's {@code random} module as {@code random.seed(n)} leaves it: the Mersenne Twister MT19937
 * keyed with {@code init_by_array} on the 32-bit words of {@code |n|}, as CPython's
 * {@code _randommodule.c} does. Keras 3 draws every unseeded initializer's and SeedGenerator's seed
 * from it ({@code make_default_seed}: {@code random.randint(1, 10**9)}), and
 * {@code keras.utils.set_random_seed(n)} seeds it; this is how Java finds the seed of a Dropout
 * layer's masks in a model built after that call.
 */
public final class PythonRandom {
  private static final int N = 624;
  private static final int M = 397;
  private final int[] mt = new int[N];
  private int index = N + 1;

  public PythonRandom(long seed) {
    BigInteger n = BigInteger.valueOf(seed).abs();
    int words = Math.max(1, (n.bitLength() + 31) / 32);
    int[] key = new int[words];
    for (int i = 0; i < words; i++) {
      key[i] = n.shiftRight(32 * i).intValue();
    }
    initByArray(key);
  }

  /** Keras 3's {@code make_default_seed()}: {@code random.randint(1, 10**9)}, the seed of an unseeded initializer or SeedGenerator. */
  public long makeDefaultSeed() {
    return randint(1, 1_000_000_000L);
  }

  /** {@code random.randint(a, b)}: {@code a + _randbelow(b - a + 1)}, rejection-sampled from getrandbits. */
  public long randint(long a, long b) {
    long n = b - a + 1;
    int k = 64 - Long.numberOfLeadingZeros(n);
    long r = getrandbits(k);
    while (r >= n) {
      r = getrandbits(k);
    }
    return a + r;
  }

  /** {@code random.getrandbits(k)} for k of 1 to 32. */
  public long getrandbits(int k) {
    if (k < 1 || k > 32) {
      throw new IllegalArgumentException("k must be 1 to 32, got " + k);
    }
    return Integer.toUnsignedLong(next()) >>> (32 - k);
  }

  private void initGenrand(int s) {
    mt[0] = s;
    for (index = 1; index < N; index++) {
      mt[index] = 1812433253 * (mt[index - 1] ^ (mt[index - 1] >>> 30)) + index;
    }
  }

  private void initByArray(int[] key) {
    initGenrand(19650218);
    int i = 1;
    int j = 0;
    for (int k = Math.max(N, key.length); k > 0; k--) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) {
        j = 0;
      }
    }
    for (int k = N - 1; k > 0; k--) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    index = N;
  }

  private int next() {
    if (index >= N) {
      for (int kk = 0; kk < N; kk++) {
        int y = (mt[kk] & 0x80000000) | (mt[(kk + 1) % N] & 0x7fffffff);
        mt[kk] = mt[(kk + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
      }
      index = 0;
    }
    int y = mt[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y;
  }
}
