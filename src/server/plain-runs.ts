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

/** Whether the byte at `i` is plain text in the ground state (see plainEnd). */
function plainAt(chunk: Buffer, i: number): boolean {
  const b = chunk[i] as number;
  if (b >= 0x20) {
    if (b !== 0xc2) return true;
    const next = chunk[i + 1];
    return next !== undefined && (next < 0x80 || next > 0x9f);
  }
  return b === LF || b === CR || b === 0x09 || b === 0x07;
}

/**
 * Where the run of plain text starting at `from` ends: at the first byte that is not plain in the ground
 * state, or at the end of the chunk. Plain: printable bytes, CR, LF, TAB, BEL; 0xC2 only when followed
 * by a byte outside 80-9F (« », °, no-break space…), since C2 80-9F is a C1 control and a final C2 may
 * start one in the next chunk. It runs on every byte of output, on the read path: four bytes at a time
 * (a word with no byte below 0x20 and none above 0x7F is plain; the others are looked at byte by byte).
 * The byte loop it replaced was most of the server's own CPU time in a flood (~1.5 ms per MB at best).
 */
function plainEnd(chunk: Buffer, from: number): number {
  const n = chunk.length;
  const base = chunk.byteOffset;
  let i = from;
  while (i < n && ((base + i) & 3) !== 0) {
    if (!plainAt(chunk, i)) return i;
    i++;
  }
  const count = (n - i) >> 2;
  if (count > 0) {
    const words = new Int32Array(chunk.buffer, base + i, count);
    for (let w = 0; w < count; w++) {
      const x = words[w] as number;
      // Some byte < 0x20 (the classic "has less than" test: exact as a whole) or >= 0x80.
      if ((((x - 0x20202020) & ~x) | x) & 0x80808080) {
        const at = i + 4 * w;
        for (let j = at; j < at + 4; j++) if (!plainAt(chunk, j)) return j;
      }
    }
    i += 4 * count;
  }
  for (; i < n; i++) if (!plainAt(chunk, i)) return i;
  return n;
}

export class PlainRuns {
  private state = GROUND;
  private regionSet = false;
  private csiParams = false;
  private csiOther = false;
  /** The previous chunk ended with 0xC2 (a C1 control may be split across chunks). */
  private pendingC2 = false;
  private run: Buffer[] = [];
  private runBytes = 0;
  /** What the run held after it was last cut (or found too short to cut): the next try waits for twice this. */
  private keptBytes = 0;

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
        if (end > i) plainFrom = i;
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
      this.hold(chunk);
      return this.compact();
    }
    const out = this.takeRun();
    if (plainFrom > 0) {
      out.push(chunk.subarray(0, plainFrom));
      this.hold(chunk.subarray(plainFrom));
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

  private hold(bytes: Buffer): void {
    this.run.push(bytes);
    this.runBytes += bytes.length;
  }

  private takeRun(): Buffer[] {
    const run = this.run;
    this.run = [];
    this.runBytes = 0;
    this.keptBytes = 0;
    return run;
  }

  /**
   * Drops the head of the held run once it has doubled since the last cut (so the cost of finding where
   * to cut, about keepLines lines scanned backwards, is paid once per that many bytes); returns what
   * must be parsed.
   */
  private compact(): Buffer[] {
    if (this.runBytes >= MIN_COMPACT_BYTES && this.runBytes >= 2 * this.keptBytes) {
      this.cut();
      this.keptBytes = this.runBytes;
    }
    // A held run that cannot be cut (one huge line, LF without CR) is parsed rather than kept.
    return this.runBytes > this.maxRunBytes ? this.takeRun() : [];
  }

  /**
   * Keeps the run from the last CR before its keepLines-th line feed from the end. Line feeds are
   * counted here, backwards from the end, not as bytes arrive. In place, without joining the chunks:
   * copying the run each time made as much garbage as the flood itself.
   */
  private cut(): void {
    const { run } = this;
    // The chunk holding the keepLines-th line feed from the end, and that line feed in it.
    let need = this.keepLines;
    let k = run.length - 1;
    let at = -1;
    for (; k >= 0; k--) {
      const chunk = run[k] as Buffer;
      at = chunk.length;
      // lastIndexOf with a negative offset counts from the end: stop at the chunk's first byte.
      while (need > 0 && at > 0) {
        at = chunk.lastIndexOf(LF, at - 1);
        if (at < 0) break;
        need--;
      }
      if (need === 0) break;
    }
    if (k < 0 || at < 0) return;
    // The last CR at or before it, maybe in an earlier chunk (lines ending in LF alone).
    let c = k;
    let cr = (run[k] as Buffer).lastIndexOf(CR, at);
    while (cr < 0 && c > 0) cr = (run[--c] as Buffer).lastIndexOf(CR);
    if (cr < 0 || (c === 0 && cr === 0)) return;
    this.run = [(run[c] as Buffer).subarray(cr), ...run.slice(c + 1)];
    this.runBytes = this.run.reduce((sum, part) => sum + part.length, 0);
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
