package dev.spindle.dedup;

/**
 * Where duplicates are looked for. GLOBAL compares every document with every other one, across sources; LOCAL
 * compares documents only within their own source (SlimPajama-DC's "local" dedup), so a text that appears in two
 * sources survives once in each.
 */
public enum Scope {
  GLOBAL,
  LOCAL
}
