using System.Buffers.Binary;
using System.Text;

namespace FlorenceVL.Engine.Runtime;

/// <summary>
/// Marks one symbol-version requirement of an ELF shared object as weak.
/// Why: TorchSharp 0.107's libLibTorchSharp.so declares a need for GLIBCXX_3.4.32 (GCC 13) only through the
/// marker symbol <c>std::ios_base_library_init</c>, which has no relocation and is never called. Debian 12's
/// libstdc++ stops at 3.4.30, so the loader refuses the library. A weak (VER_FLG_WEAK) requirement is only a
/// warning for glibc, and the library then loads and works.
/// </summary>
internal static class GlibcxxVersionPatch
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>Returns true when <paramref name="elf"/> was changed (the named requirement existed and was not weak).</summary>
    public static bool MakeVersionRequirementWeak(Span<byte> elf, string versionName)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 /* ELFCLASS64 */ || elf[5] != 1 /* LSB */)
            throw new InvalidDataException("Not a 64-bit little-endian ELF file.");

        var sectionHeaderOffset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(elf[0x28..]));
        var sectionHeaderSize = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3a..]);
        var sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3c..]);
        var changed = false;
        for (var i = 0; i < sectionCount; i++)
        {
            var header = elf.Slice(sectionHeaderOffset + i * sectionHeaderSize, sectionHeaderSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != ShtGnuVerneed) continue;
            var offset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..]));
            var stringTableIndex = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]);
            var stringHeader = elf.Slice(sectionHeaderOffset + stringTableIndex * sectionHeaderSize, sectionHeaderSize);
            var stringTable = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(stringHeader[0x18..]));
            changed |= PatchVerneedChain(elf, offset, stringTable, versionName);
        }
        return changed;
    }

    // Verneed { u16 version, u16 cnt, u32 file, u32 aux, u32 next }; Vernaux { u32 hash, u16 flags, u16 other, u32 name, u32 next }
    private static bool PatchVerneedChain(Span<byte> elf, int verneed, int stringTable, string versionName)
    {
        var changed = false;
        while (true)
        {
            var auxCount = BinaryPrimitives.ReadUInt16LittleEndian(elf[(verneed + 2)..]);
            var aux = verneed + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(verneed + 8)..]);
            for (var j = 0; j < auxCount; j++)
            {
                var name = ReadCString(elf, stringTable + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(aux + 8)..]));
                var flags = BinaryPrimitives.ReadUInt16LittleEndian(elf[(aux + 4)..]);
                if (name == versionName && (flags & VerFlagWeak) == 0)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(elf[(aux + 4)..], (ushort)(flags | VerFlagWeak));
                    changed = true;
                }
                aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[(aux + 12)..]);
            }
            var next = BinaryPrimitives.ReadUInt32LittleEndian(elf[(verneed + 12)..]);
            if (next == 0) return changed;
            verneed += (int)next;
        }
    }

    private static string ReadCString(ReadOnlySpan<byte> data, int offset)
    {
        var length = data[offset..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(data.Slice(offset, length));
    }
}
