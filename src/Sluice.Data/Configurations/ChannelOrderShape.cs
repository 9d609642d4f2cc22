using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Channels;

namespace Sluice.Data.Configurations;

/// <summary>
/// The columns payments, refunds and withdrawals share through <see cref="ChannelOrder"/>, and their timelines through
/// <see cref="OrderEvent"/>: configured once, each table adding its own columns, indexes and keys.
/// </summary>
internal static class ChannelOrderShape
{
    public static void HasChannelOrderShape<T>(this EntityTypeBuilder<T> builder)
        where T : ChannelOrder
    {
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasMaxLength(40);
        builder.Property(x => x.Currency).HasMaxLength(3);
        builder.Property(x => x.NotifyUrl).HasMaxLength(2048);
        builder.Property(x => x.RawMessage).HasMaxLength(1024);
        builder.Property(x => x.ResultCode).HasMaxLength(64);
        builder.Property(x => x.FailureMessage).HasMaxLength(1024);
        builder.Property(x => x.FailureMessageZh).HasMaxLength(1024);
        builder.Property(x => x.Version).IsConcurrencyToken();
    }

    public static void HasOrderEventShape<T>(this EntityTypeBuilder<T> builder)
        where T : OrderEvent
    {
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Detail).HasMaxLength(4096);
    }
}
