//! wampkit's WebAssembly accelerator: the two byte loops of RFC 6455 that profit from SIMD128.
//!
//! * `mask`: XOR with the 4-byte masking key (RFC 6455 §5.3), source → destination or in place.
//! * `utf8_stream` / `utf8_valid`: UTF-8 validation (RFC 3629 §4, Unicode Table 3-7) with the
//!   "lookup" algorithm of Keiser & Lemire, "Validating UTF-8 In Less Than One Instruction Per
//!   Byte" (Software: Practice and Experience, 2021): three 16-entry table lookups classify every
//!   byte pair, and a saturating-subtract test checks the third and fourth bytes of long
//!   sequences. `utf8_stream` carries the last three bytes between calls, so text that arrives
//!   in fragments is validated with the same kernel and fails on the fragment that breaks it.
//!
//! The module has no allocator, no data segment and imports its memory: the JavaScript side
//! owns the buffer and copies bytes into the scratch area that starts at `__heap_base`.
#![no_std]

use core::arch::wasm32::*;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    unreachable()
}

// ---------------------------------------------------------------------------------------------
// Masking (RFC 6455 §5.3)

/// XORs `len` bytes from `src` into `dst` with `key`, the four key bytes in memory order
/// (little-endian u32) already rotated by the JS side to the key offset of `src[0]`.
/// `src == dst` masks in place; any other overlap is not supported.
#[no_mangle]
pub unsafe extern "C" fn mask(src: *const u8, dst: *mut u8, len: usize, key: u32) {
    let k = u32x4_splat(key);
    let mut i = 0;
    // 64 bytes per iteration: four independent loads/stores keep the XOR units busy.
    while i + 64 <= len {
        let s = src.add(i) as *const v128;
        let d = dst.add(i) as *mut v128;
        let a = v128_load(s);
        let b = v128_load(s.add(1));
        let c = v128_load(s.add(2));
        let e = v128_load(s.add(3));
        v128_store(d, v128_xor(a, k));
        v128_store(d.add(1), v128_xor(b, k));
        v128_store(d.add(2), v128_xor(c, k));
        v128_store(d.add(3), v128_xor(e, k));
        i += 64;
    }
    while i + 16 <= len {
        v128_store(dst.add(i) as *mut v128, v128_xor(v128_load(src.add(i) as *const v128), k));
        i += 16;
    }
    // i is a multiple of 16 here, so the key cycle restarts at key byte 0.
    while i < len {
        *dst.add(i) = *src.add(i) ^ (key >> ((i & 3) * 8)) as u8;
        i += 1;
    }
}

// ---------------------------------------------------------------------------------------------
// UTF-8 validation, "lookup" algorithm (Keiser & Lemire 2021, §6)
//
// Each error class is one bit. For a byte pair (prev1, input) the three tables give the set of
// errors the high nibble of prev1, the low nibble of prev1 and the high nibble of input are each
// compatible with; the pair is in error when all three agree on some bit.

/// 11______ followed by 0_______ or 11______: a lead byte without its continuation.
const TOO_SHORT: u8 = 1 << 0;
/// 0_______ followed by 10______: a continuation byte without a lead byte.
const TOO_LONG: u8 = 1 << 1;
/// 11100000 100_____: a 3-byte form of a code point below U+0800.
const OVERLONG_3: u8 = 1 << 2;
/// 11110100 1001____ or 101_____, and F5..FF followed by 1001____ .. 1011____: above U+10FFFF.
const TOO_LARGE: u8 = 1 << 3;
/// 11101101 101_____: UTF-16 surrogates U+D800..U+DFFF (this also rejects CESU-8 pairs).
const SURROGATE: u8 = 1 << 4;
/// 1100000_ 10______: a 2-byte form of a code point below U+0080 (C0, C1).
const OVERLONG_2: u8 = 1 << 5;
/// 11110101.. 1000____ (F5..FF then 80..8F), shares its bit with OVERLONG_4.
const TOO_LARGE_1000: u8 = 1 << 6;
/// 11110000 1000____: a 4-byte form of a code point below U+10000.
const OVERLONG_4: u8 = 1 << 6;
/// 10______ 10______: two continuations in a row, an error unless they belong to a 3- or 4-byte
/// sequence, which the `must_be_2_3_continuation` test below flips.
const TWO_CONTS: u8 = 1 << 7;
/// Errors every low nibble of prev1 is compatible with.
const CARRY: u8 = TOO_SHORT | TOO_LONG | TWO_CONTS;

#[inline(always)]
fn table(t: [u8; 16]) -> v128 {
    u8x16(
        t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12], t[13],
        t[14], t[15],
    )
}

/// Error bits of every byte as the second byte of a pair (`prev1` is the byte before it).
#[inline(always)]
fn special_cases(input: v128, prev1: v128) -> v128 {
    const F: u8 = 0x0f;
    let byte_1_high = table([
        // 0_______: ASCII followed by anything but a continuation is fine.
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        // 10______
        TWO_CONTS,
        TWO_CONTS,
        TWO_CONTS,
        TWO_CONTS,
        // 1100____
        TOO_SHORT | OVERLONG_2,
        // 1101____
        TOO_SHORT,
        // 1110____
        TOO_SHORT | OVERLONG_3 | SURROGATE,
        // 1111____
        TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4,
    ]);
    let byte_1_low = table([
        // ____0000
        CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4,
        // ____0001
        CARRY | OVERLONG_2,
        // ____0010, ____0011
        CARRY,
        CARRY,
        // ____0100 (F4)
        CARRY | TOO_LARGE,
        // ____0101 .. ____1100 (F5..FC)
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        // ____1101 (ED, FD)
        CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
        // ____1110, ____1111
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
    ]);
    let byte_2_high = table([
        // 0_______: after a lead byte this is a truncated sequence.
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        // 1000____
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
        // 1001____
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
        // 1010____, 1011____
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
        // 11______
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
    ]);
    let low = u8x16_splat(F);
    // i8x16.swizzle returns 0 for indices >= 16; every index here is a nibble, so it is exact.
    let a = i8x16_swizzle(byte_1_high, u8x16_shr(prev1, 4));
    let b = i8x16_swizzle(byte_1_low, v128_and(prev1, low));
    let c = i8x16_swizzle(byte_2_high, u8x16_shr(input, 4));
    v128_and(v128_and(a, b), c)
}

/// Non-zero lanes mark errors in `input`, given the 16 bytes before it in `prev`.
#[inline(always)]
fn check_block(input: v128, prev: v128) -> v128 {
    // prevN: the byte N positions earlier, taken across the block boundary from `prev`.
    let prev1 = i8x16_shuffle::<15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30>(
        prev, input,
    );
    let prev2 = i8x16_shuffle::<14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29>(
        prev, input,
    );
    let prev3 = i8x16_shuffle::<13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28>(
        prev, input,
    );
    let sc = special_cases(input, prev1);
    // The byte must be the 3rd byte of a 3-/4-byte sequence (prev2 >= E0) or the 4th byte of a
    // 4-byte sequence (prev3 >= F0): bit 7 set by the saturating subtraction exactly then.
    let third = u8x16_sub_sat(prev2, u8x16_splat(0xe0 - 0x80));
    let fourth = u8x16_sub_sat(prev3, u8x16_splat(0xf0 - 0x80));
    let must_be_2_3_continuation = v128_and(v128_or(third, fourth), u8x16_splat(0x80));
    // A continuation pair there has TWO_CONTS (bit 7) set in `sc`: the XOR clears it; a missing
    // continuation there leaves bit 7 set.
    v128_xor(must_be_2_3_continuation, sc)
}

/// Non-zero when the last three bytes of `prev` end in an unfinished sequence (a lead byte
/// C0.. in the last lane, E0.. in the one before, F0.. two before).
#[inline(always)]
fn incomplete(prev: v128) -> v128 {
    let max = u8x16(
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0xef, 0xdf, 0xbf,
    );
    u8x16_sub_sat(prev, max)
}

/// Bit of the `utf8_stream` result that reports an error.
const ERROR: u32 = 1 << 24;

/// Validates `len` bytes at `ptr` as the continuation of a stream whose last three bytes so far
/// are `tail` (`b[-3] | b[-2] << 8 | b[-1] << 16`, 0 at the start of a message).
///
/// Returns the new tail (the last three bytes of the stream including this chunk), or `ERROR`
/// when the stream can no longer be valid UTF-8. Sequences left unfinished at the end of the
/// chunk are not an error; see `utf8_valid` for the end-of-message check.
#[no_mangle]
pub unsafe extern "C" fn utf8_stream(ptr: *const u8, len: usize, tail: u32) -> u32 {
    // The previous "block": only its last three lanes matter, so the tail goes to lanes 13..15.
    let mut prev = u32x4_replace_lane::<3>(u32x4_splat(0), tail << 8);
    let mut err = u32x4_splat(0);
    let mut i = 0;
    while i + 64 <= len {
        let p = ptr.add(i) as *const v128;
        let a = v128_load(p);
        let b = v128_load(p.add(1));
        let c = v128_load(p.add(2));
        let d = v128_load(p.add(3));
        if i8x16_bitmask(v128_or(v128_or(a, b), v128_or(c, d))) == 0 {
            // All ASCII: the only possible error is a sequence left open by the previous block.
            err = v128_or(err, incomplete(prev));
        } else {
            err = v128_or(err, check_block(a, prev));
            err = v128_or(err, check_block(b, a));
            err = v128_or(err, check_block(c, b));
            err = v128_or(err, check_block(d, c));
        }
        // Fail fast: a large invalid message stops at the first bad 64-byte block.
        if v128_any_true(err) {
            return ERROR;
        }
        prev = d;
        i += 64;
    }
    while i + 16 <= len {
        let a = v128_load(ptr.add(i) as *const v128);
        err = v128_or(err, check_block(a, prev));
        prev = a;
        i += 16;
    }
    let rest = len - i;
    if rest > 0 {
        // Place the last `rest` bytes right-aligned after the previous block, so that the final
        // block's predecessors are exact and its last lanes are the stream's last bytes:
        // buf = [16 zero | prev | rest bytes | padding]; block = buf[16+rest..32+rest).
        let mut buf = [0u8; 48];
        let b = buf.as_mut_ptr();
        v128_store(b.add(16) as *mut v128, prev);
        let mut j = 0;
        while j < rest {
            *b.add(32 + j) = *ptr.add(i + j);
            j += 1;
        }
        let before = v128_load(b.add(rest) as *const v128);
        let block = v128_load(b.add(16 + rest) as *const v128);
        // Lanes < 16 - rest repeat bytes of `prev` with wrong predecessors: ignore them.
        let lanes = u8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        let keep = u8x16_ge(lanes, u8x16_splat((16 - rest) as u8));
        err = v128_or(err, v128_and(check_block(block, before), keep));
        prev = block;
    }
    if v128_any_true(err) {
        return ERROR;
    }
    let tail = u32x4_extract_lane::<3>(prev) >> 8;
    // C0, C1 and F5..FF can never be part of valid UTF-8, but the pair tables only see them once
    // the next byte arrives. Reject one that ends the chunk now, so that fragmented input fails on
    // the same fragment as a byte-wise validator (RFC 6455 §8.1: fail fast).
    let last = tail >> 16;
    if last == 0xc0 || last == 0xc1 || last >= 0xf5 {
        return ERROR;
    }
    tail
}

/// True (1) when the three tail bytes returned by `utf8_stream` end in an unfinished sequence.
#[inline(always)]
fn tail_incomplete(tail: u32) -> bool {
    (tail >> 16) & 0xff >= 0xc0 || (tail >> 8) & 0xff >= 0xe0 || tail & 0xff >= 0xf0
}

/// 1 when the `len` bytes at `ptr` are complete, well-formed UTF-8, else 0.
#[no_mangle]
pub unsafe extern "C" fn utf8_valid(ptr: *const u8, len: usize) -> u32 {
    let r = utf8_stream(ptr, len, 0);
    (r & ERROR == 0 && !tail_incomplete(r)) as u32
}
