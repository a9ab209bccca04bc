/**
 * Reading users' HOCON files as data, shared by every module that reads one: run configs (pipeline) and mixture
 * specs (mixing) follow includes of local files and classpath resources only, never URLs, and never substitute
 * the environment. Defaults are not here: each module keeps its own in its {@code reference.conf}.
 */
package dev.spindle.config;
