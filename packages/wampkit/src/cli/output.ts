/**
 * Output of the `wampkit` command. stdout carries results only: one JSON object per line with
 * `--json`, readable text otherwise. stderr carries status, progress and errors. Colours and the
 * progress spinner appear only on a TTY and never when NO_COLOR is set (https://no-color.org).
 */
import { inspect } from 'node:util';
import { describeError, errorJson } from './errors.js';

/** Where the command writes; tests and embedders may pass their own streams. */
export interface Streams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';
const SGR: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** A spinner shows only for operations that take longer than this (ms). */
const SPINNER_DELAY_MS = 300;

/** JSON.stringify replacer: binary as the WAMP JSON convention ("\0" + base64), bigint as number or string. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return `\0${Buffer.from(value).toString('base64')}`;
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  return value;
}

/** One JSON line (no newline). */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value, jsonReplacer);
}

export class Output {
  readonly json: boolean;
  private readonly colorOut: boolean;
  private readonly colorErr: boolean;
  private spinnerLine = false;

  constructor(
    json: boolean,
    private readonly streams: Streams,
  ) {
    this.json = json;
    const noColor = (streams.env.NO_COLOR ?? '') !== '';
    this.colorOut = !noColor && streams.stdout.isTTY === true;
    this.colorErr = !noColor && streams.stderr.isTTY === true;
  }

  /** Styles `text` for stdout (plain when colours are off). */
  paint(style: Style, text: string): string {
    return this.colorOut ? wrap(style, text) : text;
  }

  /** A value for humans: util.inspect, coloured on a TTY. */
  value(value: unknown): string {
    return inspect(value, {
      colors: this.colorOut,
      depth: 8,
      breakLength: Number.POSITIVE_INFINITY,
    });
  }

  /** A result: `json` as one line with --json, else the human text. */
  result(json: unknown, human: () => string): void {
    this.clearSpinner();
    this.streams.stdout.write(`${this.json ? jsonLine(json) : human()}\n`);
  }

  /** A status line on stderr (humans only: nothing with --json). */
  status(text: string): void {
    if (this.json) return;
    this.clearSpinner();
    this.streams.stderr.write(`${this.colorErr ? wrap('dim', text) : text}\n`);
  }

  /** A warning on stderr (both modes). */
  warn(text: string): void {
    this.clearSpinner();
    const line = this.json ? jsonLine({ warning: text }) : `warning: ${text}`;
    this.streams.stderr.write(`${this.colorErr ? wrap('yellow', line) : line}\n`);
  }

  /** The error that ends the command, on stderr: `error: ...` or a JSON line. */
  error(error: unknown): void {
    this.clearSpinner();
    if (this.json) {
      this.streams.stderr.write(`${jsonLine(errorJson(error))}\n`);
      return;
    }
    const text = `error: ${describeError(error)}`;
    this.streams.stderr.write(`${this.colorErr ? wrap('red', text) : text}\n`);
  }

  /**
   * Runs `work`, showing `label` with a spinner and the elapsed time on stderr once it takes
   * longer than 300 ms (only on a TTY, never with --json).
   */
  async progress<T>(label: string, work: Promise<T>): Promise<T> {
    if (this.json || !this.colorErr) return work;
    const started = Date.now();
    let frame = 0;
    const draw = () => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const glyph = SPINNER[frame++ % SPINNER.length] ?? '';
      this.streams.stderr.write(
        `\r\x1b[2K${wrap('cyan', glyph)} ${label} ${wrap('dim', `${seconds}s`)}`,
      );
      this.spinnerLine = true;
    };
    let timer: ReturnType<typeof setInterval> | undefined;
    const delay = setTimeout(() => {
      draw();
      timer = setInterval(draw, 100);
    }, SPINNER_DELAY_MS);
    try {
      return await work;
    } finally {
      clearTimeout(delay);
      if (timer !== undefined) clearInterval(timer);
      this.clearSpinner();
    }
  }

  private clearSpinner(): void {
    if (!this.spinnerLine) return;
    this.spinnerLine = false;
    this.streams.stderr.write('\r\x1b[2K');
  }
}

function wrap(style: Style, text: string): string {
  const [on, off] = SGR[style];
  return `\x1b[${on}m${text}\x1b[${off}m`;
}
