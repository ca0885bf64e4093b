/**
 * Lets the server's headless terminal skip most of a flood without changing the screen it ends up with.
 *
 * xterm.js parses about 30-90 MB/s in Node, slower than a pty delivers `cat` or `yes` output, and it runs
 * on the event loop that also relays keystrokes. But a run of plain text (printable characters, CR, LF,
 * TAB, BEL, in the parser's ground state) only changes cell contents and the cursor, and after enough
 * line feeds every visible row and every scrollback row comes from the last lines alone. So such a run
 * is held back and only its tail is parsed: at least `keepLines` line feeds (2 x rows + scrollback),
 * starting at a CR so the cursor column is the same as after the full run.
 *
 * Not plain: ESC, C0 controls other than those, UTF-8-encoded C1 controls (C2 80-9F), backspace (with
 * reverse wraparound it moves up), and any byte while the parser is inside a sequence or string. Holding
 * back is also off while a scroll region is set (with the cursor below the region, lines do not scroll),
 * until `CSI r` resets it. A byte-level copy of the VT500 parser's states tracks all this conservatively:
 * when unsure it says "not ground", which only costs parsing time.
 */

const GROUND = 0;
const ESCAPE = 1;
const ESC_INTERMEDIATE = 2;
const CSI = 3;
const OSC = 4;
/** DCS, SOS, PM, APC: strings that end with ST only. */
const STRING = 5;

const CR = 0x0d;
const LF = 0x0a;
const MIN_COMPACT_BYTES = 64 * 1024;

/** Line feeds in `bytes`. */
function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let at = bytes.indexOf(LF); at >= 0; at = bytes.indexOf(LF, at + 1)) lines++;
  return lines;
}

/** Line feeds in the run plainEnd() scanned last (a second return value, without an allocation). */
let scannedLines = 0;

/**
 * Where the run of plain text starting at `from` ends: at the first byte that is not plain in the ground
 * state, or at the end of the chunk. Plain: printable bytes, CR, LF, TAB, BEL; 0xC2 only when followed
 * by a byte outside 80-9F (« », °, no-break space…), since C2 80-9F is a C1 control and a final C2 may
 * start one in the next chunk. A tight loop over locals: it runs on every byte of output, on the read
 * path (the per-byte loop it replaced cost 4-8 ms per MB, a fifth to a third of the server's CPU time
 * in a flood; this one about 1.5 ms).
 */
function plainEnd(chunk: Buffer, from: number): number {
  const n = chunk.length;
  let lines = 0;
  let i = from;
  for (; i < n; i++) {
    const b = chunk[i] as number;
    if (b >= 0x20) {
      if (b === 0xc2) {
        const next = chunk[i + 1];
        if (next === undefined || (next >= 0x80 && next <= 0x9f)) break;
      }
    } else if (b === LF) lines++;
    else if (b !== CR && b !== 0x09 && b !== 0x07) break;
  }
  scannedLines = lines;
  return i;
}

export class PlainRuns {
  private state = GROUND;
  private regionSet = false;
  private csiParams = false;
  private csiOther = false;
  /** The previous chunk ended with 0xC2 (a C1 control may be split across chunks). */
  private pendingC2 = false;
  private run: Buffer[] = [];
  /** Line feeds in each chunk of `run`. */
  private runCounts: number[] = [];
  private runBytes = 0;
  private runLines = 0;

  constructor(
    private keepLines: number,
    private readonly maxRunBytes = 1024 * 1024,
  ) {}

  setKeepLines(lines: number): void {
    this.keepLines = lines;
  }

  /** Bytes the terminal must parse now, in order; the rest of `chunk` is held back. */
  feed(chunk: Buffer): Buffer[] {
    const n = chunk.length;
    let i = 0;
    /** Start of the plain run that reaches the end of the chunk, if one does. */
    let plainFrom = -1;
    let lines = 0;
    if (this.pendingC2) {
      this.pendingC2 = false;
      const first = chunk[0];
      if (first !== undefined && first >= 0x80 && first <= 0x9f) {
        this.c1(first);
        i = 1;
      }
    }
    while (i < n) {
      if (this.state === GROUND && !this.regionSet) {
        const end = plainEnd(chunk, i);
        if (end > i) {
          plainFrom = i;
          lines = scannedLines;
        }
        if (end === n) break;
        i = end;
      }
      plainFrom = -1;
      const b = chunk[i] as number;
      i++;
      if (b === 0xc2) {
        const next = chunk[i];
        if (next !== undefined && next >= 0x80 && next <= 0x9f) {
          this.c1(next);
          i++;
        }
        continue;
      }
      this.step(b);
    }
    // 0xC2 is always a UTF-8 lead byte: at the end of a chunk it may start a C1 control.
    this.pendingC2 = n > 0 && chunk[n - 1] === 0xc2;

    if (plainFrom === 0) {
      this.hold(chunk, lines);
      return this.compact();
    }
    const out = this.takeRun();
    if (plainFrom > 0) {
      out.push(chunk.subarray(0, plainFrom));
      this.hold(chunk.subarray(plainFrom), lines);
      out.push(...this.compact());
    } else {
      out.push(chunk);
    }
    return out;
  }

  /** The held-back tail, to be parsed before a snapshot or a resize. */
  flush(): Buffer[] {
    return this.takeRun();
  }

  get heldBytes(): number {
    return this.runBytes;
  }

  private hold(bytes: Buffer, lines: number): void {
    this.run.push(bytes);
    this.runCounts.push(lines);
    this.runBytes += bytes.length;
    this.runLines += lines;
  }

  private takeRun(): Buffer[] {
    const run = this.run;
    this.run = [];
    this.runCounts = [];
    this.runBytes = 0;
    this.runLines = 0;
    return run;
  }

  /** Drops the head of the held run when it has twice the lines needed; returns what must be parsed. */
  private compact(): Buffer[] {
    if (this.runLines >= 2 * this.keepLines + 2 && this.runBytes >= MIN_COMPACT_BYTES) this.cut();
    // A held run that cannot be cut (one huge line, LF without CR) is parsed rather than kept.
    return this.runBytes > this.maxRunBytes ? this.takeRun() : [];
  }

  /**
   * Keeps the run from the last CR before its keepLines-th line feed from the end. In place, without
   * joining the chunks: this runs every few pty reads of a flood, and copying the run each time made as
   * much garbage as the flood itself.
   */
  private cut(): void {
    const { run, runCounts } = this;
    // The chunk holding the keepLines-th line feed from the end, then that line feed in it.
    let k = run.length - 1;
    let need = this.keepLines;
    while (k >= 0 && (runCounts[k] as number) < need) need -= runCounts[k--] as number;
    const chunk = run[k];
    if (!chunk) return;
    let at = chunk.length;
    for (let seen = 0; seen < need; seen++) at = chunk.lastIndexOf(LF, at - 1);
    // The last CR at or before it, maybe in an earlier chunk (lines ending in LF alone).
    let c = k;
    let cr = chunk.lastIndexOf(CR, at);
    while (cr < 0 && c > 0) cr = (run[--c] as Buffer).lastIndexOf(CR);
    if (cr < 0 || (c === 0 && cr === 0)) return;
    const head = (run[c] as Buffer).subarray(cr);
    this.run = [head, ...run.slice(c + 1)];
    this.runCounts = [countLines(head), ...runCounts.slice(c + 1)];
    this.runBytes = this.run.reduce((sum, part) => sum + part.length, 0);
    this.runLines = this.runCounts.reduce((sum, lines) => sum + lines, 0);
  }

  /** One byte that is not plain text in the ground state: the parser's transition for it. */
  private step(b: number): void {
    if (b === 0x1b) {
      this.state = ESCAPE;
      return;
    }
    if (b === 0x18 || b === 0x1a) {
      this.state = GROUND;
      return;
    }
    switch (this.state) {
      case ESCAPE:
        if (b === 0x5b) this.enterCsi();
        else if (b === 0x5d) this.state = OSC;
        else if (b === 0x50 || b === 0x58 || b === 0x5e || b === 0x5f) this.state = STRING;
        else if (b >= 0x20 && b <= 0x2f) this.state = ESC_INTERMEDIATE;
        else if (b >= 0x30 && b <= 0x7e) {
          if (b === 0x63) this.regionSet = false; // RIS: full reset
          this.state = GROUND;
        }
        break;
      case ESC_INTERMEDIATE:
        if (b >= 0x30 && b <= 0x7e) this.state = GROUND;
        break;
      case CSI:
        if (b >= 0x40 && b <= 0x7e) {
          // DECSTBM: `CSI r` without parameters resets the region; anything else may set one.
          if (b === 0x72 && !this.csiOther) this.regionSet = this.csiParams;
          this.state = GROUND;
        } else if (b >= 0x30 && b <= 0x3f) {
          if (b >= 0x3c) this.csiOther = true;
          else this.csiParams = true;
        } else if (b >= 0x20 && b <= 0x2f) this.csiOther = true;
        break;
      case OSC:
        if (b === 0x07) this.state = GROUND;
        break;
      default:
        // GROUND (a control character, or plain text while a region is set) and STRING: no change.
        break;
    }
  }

  /** C1 controls (UTF-8 C2 80-9F) act from any state, as in the VT500 parser's "anywhere" transitions. */
  private c1(code: number): void {
    if (code === 0x9b) this.enterCsi();
    else if (code === 0x9d) this.state = OSC;
    else if (code === 0x90 || code === 0x98 || code === 0x9e || code === 0x9f) this.state = STRING;
    else this.state = GROUND;
  }

  private enterCsi(): void {
    this.state = CSI;
    this.csiParams = false;
    this.csiOther = false;
  }
}
