/**
 * One picocli command per subcommand. Stage commands run one stage on explicit directories, or, when their input
 * is raw files ({@code SOURCE=PATH}) or text to tokenize, compose the earlier stages through
 * {@link dev.spindle.pipeline.Pipeline} into a run directory; all end with one line saying where the result is and
 * how every record read was accounted for. Options that set a config key name it as their {@code descriptionKey};
 * their defaults are shown from {@code reference.conf}, never written here.
 */
package dev.spindle.pipeline.cli;
