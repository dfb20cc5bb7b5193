// Copyright 2017 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package argon2id computes argon2id (RFC 9106) in working memory that the
// caller keeps from one hash to the next.
//
// It is golang.org/x/crypto/argon2 (v0.59.0, including its SSE4 assembly)
// reduced to argon2id, with one change: IDKey there allocates the m KiB of
// blocks for every hash and relies on them being zero, while Memory.Key
// here computes in a reused buffer, and the first pass writes every block
// instead of XORing into it (RFC 9106 section 3.2: the XOR applies to the
// later passes only, so on zeroed memory the two are the same). The output
// is identical to argon2.IDKey for the same inputs; the tests check it
// against x/crypto.
//
// Why: a server verifying passwords with m=19 MiB allocates 19 MiB per
// sign-in. Each such allocation moves the garbage collector towards its
// next cycle, which marks the whole live heap; a server whose heap holds
// large caches then spends a good part of its CPU collecting instead of
// hashing. Reusing the memory takes hashing out of the allocator entirely.
package argon2id

import (
	"encoding/binary"
	"sync"

	"golang.org/x/crypto/blake2b"
)

// Version is the argon2 version implemented (0x13, decimal 19).
const Version = 0x13

// argon2id is the type parameter y of RFC 9106 for argon2id.
const argon2id = 2

const (
	blockLength = 128
	syncPoints  = 4
)

// block is one 1 KiB argon2 memory block.
type block [blockLength]uint64

// Memory is the working memory of argon2id hashes. The zero value is ready
// to use; it grows to the largest memory parameter it has hashed with and
// keeps that size. A Memory is not safe for concurrent use: give each
// concurrent hash its own (a sync.Pool of them works well).
//
// The blocks hold intermediate values derived from the last password
// hashed until the next hash overwrites them, as the garbage of
// argon2.IDKey does until the allocator reuses it.
type Memory struct {
	blocks []block
}

// KiB returns the memory held, in KiB (one block per KiB).
func (m *Memory) KiB() uint32 { return uint32(cap(m.blocks)) }

// Key derives a key of keyLen bytes from password and salt with argon2id
// and the cost parameters time (passes), memory (KiB) and threads
// (parallelism), exactly as argon2.IDKey(password, salt, time, memory,
// threads, keyLen) of golang.org/x/crypto/argon2 does. Like it, Key
// panics when time or threads is zero; callers validate parameters first.
func (m *Memory) Key(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	if time < 1 {
		panic("argon2id: number of rounds too small")
	}
	if threads < 1 {
		panic("argon2id: parallelism degree too low")
	}
	h0 := initHash(password, salt, nil, nil, time, memory, uint32(threads), keyLen, argon2id)

	memory = memory / (syncPoints * uint32(threads)) * (syncPoints * uint32(threads))
	if memory < 2*syncPoints*uint32(threads) {
		memory = 2 * syncPoints * uint32(threads)
	}
	if uint32(cap(m.blocks)) < memory {
		m.blocks = nil // let the old buffer go before allocating the new one
		m.blocks = make([]block, memory)
	}
	B := m.blocks[:memory]
	initBlocks(B, &h0, memory, uint32(threads))
	processBlocks(B, time, memory, uint32(threads))
	return extractKey(B, memory, uint32(threads), keyLen)
}

func initHash(password, salt, key, data []byte, time, memory, threads, keyLen uint32, mode int) [blake2b.Size + 8]byte {
	var (
		h0     [blake2b.Size + 8]byte
		params [24]byte
		tmp    [4]byte
	)

	b2, _ := blake2b.New512(nil)
	binary.LittleEndian.PutUint32(params[0:4], threads)
	binary.LittleEndian.PutUint32(params[4:8], keyLen)
	binary.LittleEndian.PutUint32(params[8:12], memory)
	binary.LittleEndian.PutUint32(params[12:16], time)
	binary.LittleEndian.PutUint32(params[16:20], uint32(Version))
	binary.LittleEndian.PutUint32(params[20:24], uint32(mode))
	b2.Write(params[:])
	binary.LittleEndian.PutUint32(tmp[:], uint32(len(password)))
	b2.Write(tmp[:])
	b2.Write(password)
	binary.LittleEndian.PutUint32(tmp[:], uint32(len(salt)))
	b2.Write(tmp[:])
	b2.Write(salt)
	binary.LittleEndian.PutUint32(tmp[:], uint32(len(key)))
	b2.Write(tmp[:])
	b2.Write(key)
	binary.LittleEndian.PutUint32(tmp[:], uint32(len(data)))
	b2.Write(tmp[:])
	b2.Write(data)
	b2.Sum(h0[:0])
	return h0
}

// initBlocks writes the first two blocks of every lane of B.
func initBlocks(B []block, h0 *[blake2b.Size + 8]byte, memory, threads uint32) {
	var block0 [1024]byte
	for lane := uint32(0); lane < threads; lane++ {
		j := lane * (memory / threads)
		binary.LittleEndian.PutUint32(h0[blake2b.Size+4:], lane)

		binary.LittleEndian.PutUint32(h0[blake2b.Size:], 0)
		blake2bHash(block0[:], h0[:])
		for i := range B[j+0] {
			B[j+0][i] = binary.LittleEndian.Uint64(block0[i*8:])
		}

		binary.LittleEndian.PutUint32(h0[blake2b.Size:], 1)
		blake2bHash(block0[:], h0[:])
		for i := range B[j+1] {
			B[j+1][i] = binary.LittleEndian.Uint64(block0[i*8:])
		}
	}
}

// processBlocks fills B. The first pass overwrites each block (so B may
// hold anything on entry); the later passes XOR into it.
func processBlocks(B []block, time, memory, threads uint32) {
	lanes := memory / threads
	segments := lanes / syncPoints

	processSegment := func(n, slice, lane uint32) {
		var addresses, in, zero block
		if n == 0 && slice < syncPoints/2 {
			in[0] = uint64(n)
			in[1] = uint64(lane)
			in[2] = uint64(slice)
			in[3] = uint64(memory)
			in[4] = uint64(time)
			in[5] = uint64(argon2id)
		}

		index := uint32(0)
		if n == 0 && slice == 0 {
			index = 2 // we have already generated the first two blocks
			in[6]++
			processBlock(&addresses, &in, &zero)
			processBlock(&addresses, &addresses, &zero)
		}

		offset := lane*lanes + slice*segments + index
		var random uint64
		for index < segments {
			prev := offset - 1
			if index == 0 && slice == 0 {
				prev += lanes // last block in lane
			}
			if n == 0 && slice < syncPoints/2 {
				if index%blockLength == 0 {
					in[6]++
					processBlock(&addresses, &in, &zero)
					processBlock(&addresses, &addresses, &zero)
				}
				random = addresses[index%blockLength]
			} else {
				random = B[prev][0]
			}
			newOffset := indexAlpha(random, lanes, segments, threads, n, slice, lane, index)
			if n == 0 {
				processBlock(&B[offset], &B[prev], &B[newOffset])
			} else {
				processBlockXOR(&B[offset], &B[prev], &B[newOffset])
			}
			index, offset = index+1, offset+1
		}
	}

	for n := uint32(0); n < time; n++ {
		for slice := uint32(0); slice < syncPoints; slice++ {
			if threads == 1 {
				processSegment(n, slice, 0)
				continue
			}
			var wg sync.WaitGroup
			for lane := uint32(0); lane < threads; lane++ {
				wg.Go(func() { processSegment(n, slice, lane) })
			}
			wg.Wait()
		}
	}
}

func extractKey(B []block, memory, threads, keyLen uint32) []byte {
	lanes := memory / threads
	for lane := uint32(0); lane < threads-1; lane++ {
		for i, v := range B[(lane*lanes)+lanes-1] {
			B[memory-1][i] ^= v
		}
	}

	var block [1024]byte
	for i, v := range B[memory-1] {
		binary.LittleEndian.PutUint64(block[i*8:], v)
	}
	key := make([]byte, keyLen)
	blake2bHash(key, block[:])
	return key
}

func indexAlpha(rand uint64, lanes, segments, threads, n, slice, lane, index uint32) uint32 {
	refLane := uint32(rand>>32) % threads
	if n == 0 && slice == 0 {
		refLane = lane
	}
	m, s := 3*segments, ((slice+1)%syncPoints)*segments
	if lane == refLane {
		m += index
	}
	if n == 0 {
		m, s = slice*segments, 0
		if slice == 0 || lane == refLane {
			m += index
		}
	}
	if index == 0 || lane == refLane {
		m--
	}
	return phi(rand, uint64(m), uint64(s), refLane, lanes)
}

func phi(rand, m, s uint64, lane, lanes uint32) uint32 {
	p := rand & 0xFFFFFFFF
	p = (p * p) >> 32
	p = (p * m) >> 32
	return lane*lanes + uint32((s+m-(p+1))%uint64(lanes))
}
