-- données: 😀 ✓
SELECT id, k /* é😀 */, nm FROM t WHERE nm <> 'été' ORDER BY id;
