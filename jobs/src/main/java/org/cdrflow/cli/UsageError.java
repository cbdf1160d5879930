package org.cdrflow.cli;

/**
 * The command line, or a file or folder it names, is wrong: reported as one line, exit code 2,
 * before anything was started. The message names what is wrong and how to fix it (e.g. {@code
 * --input feed.jsonl: no such file}).
 */
final class UsageError extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  UsageError(String message) {
    super(message);
  }
}
