/**
 * The CPU engine on Deeplearning4j/SameDiff: the model graph mirrored layer by layer on the reference model, host
 * AdamW, native thread control.
 */
package dev.spindle.trainer.dl4j;
