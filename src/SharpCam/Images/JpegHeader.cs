namespace SharpCam.Images;

/// <summary>The little of a JPEG's header that Skia does not report: the number of colour components.</summary>
internal static class JpegHeader
{
    /// <summary>Components of the first frame (1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK), or 0 when no frame header is found.</summary>
    public static int ComponentCount(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return 0;
        int i = 2;
        while (i + 4 <= jpeg.Length)
        {
            if (jpeg[i] != 0xFF) return 0;
            byte marker = jpeg[i + 1];
            if (marker == 0xFF) { i++; continue; }            // fill byte
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { i += 2; continue; }  // markers without a length
            int length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision, height, width, component count.
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
                return i + 9 < jpeg.Length ? jpeg[i + 9] : 0;
            if (marker == 0xDA) return 0;                       // start of scan before any frame header
            i += 2 + length;
        }
        return 0;
    }
}
