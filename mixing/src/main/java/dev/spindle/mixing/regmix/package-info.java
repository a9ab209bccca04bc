/**
 * RegMix (Liu et al. 2024): proxy mixture specs drawn from a Dirichlet, regressors fitted to the proxy runs'
 * losses (ridge, quadratic ridge, gradient-boosted stumps, chosen by cross-validation) and a simplex search for
 * the mixture with the lowest predicted loss. Pure Java, no Spark.
 */
package dev.spindle.mixing.regmix;
