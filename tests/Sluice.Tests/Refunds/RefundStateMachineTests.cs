using Sluice.Refunds;

namespace Sluice.Tests.Refunds;

/// <summary>The refund state machine: final states stay final; only an operator takes a refund out of the exception queue.</summary>
public sealed class RefundStateMachineTests
{
    [Theory]
    [InlineData(RefundStatus.Succeeded)]
    [InlineData(RefundStatus.Failed)]
    [InlineData(RefundStatus.ClosedOffline)]
    public void A_final_refund_never_moves_again(RefundStatus final)
    {
        RefundStateMachine.IsTerminal(final).ShouldBeTrue();
        Enum.GetValues<RefundStatus>().ShouldAllBe(to => !RefundStateMachine.CanTransition(final, to));
    }

    [Fact]
    public void An_exception_refund_is_resent_closed_offline_or_reported_refunded_but_never_failed()
    {
        RefundStateMachine.CanTransition(RefundStatus.Exception, RefundStatus.Pending).ShouldBeTrue();
        RefundStateMachine.CanTransition(RefundStatus.Exception, RefundStatus.ClosedOffline).ShouldBeTrue();
        RefundStateMachine.CanTransition(RefundStatus.Exception, RefundStatus.Succeeded).ShouldBeTrue();
        RefundStateMachine.CanTransition(RefundStatus.Exception, RefundStatus.Failed).ShouldBeFalse();
        RefundStateMachine.CanTransition(RefundStatus.Pending, RefundStatus.ClosedOffline).ShouldBeFalse();
        RefundStateMachine.CanTransition(RefundStatus.Pending, RefundStatus.Created).ShouldBeFalse();
    }

    [Fact]
    public void A_pay_back_starts_only_from_the_exception_queue_and_ends_succeeded_or_back_in_the_queue()
    {
        Enum.GetValues<RefundStatus>().Where(from => RefundStateMachine.CanTransition(from, RefundStatus.PayingBack)).ShouldBe([RefundStatus.Exception]);
        Enum.GetValues<RefundStatus>().Where(to => RefundStateMachine.CanTransition(RefundStatus.PayingBack, to))
            .ShouldBe([RefundStatus.Succeeded, RefundStatus.Exception], ignoreOrder: true);
        RefundStateMachine.IsTerminal(RefundStatus.PayingBack).ShouldBeFalse();

        // A succeeded refund goes back to the queue only when the payee's bank returned the pay-back.
        RefundStateMachine.CanTransition(RefundStatus.Succeeded, RefundStatus.Exception, payBackReturned: true).ShouldBeTrue();
        RefundStateMachine.CanTransition(RefundStatus.Succeeded, RefundStatus.Exception).ShouldBeFalse();
        RefundStateMachine.CanTransition(RefundStatus.ClosedOffline, RefundStatus.Exception, payBackReturned: true).ShouldBeFalse();
    }

    [Fact]
    public void Wire_names_are_the_ones_merchants_switch_on()
    {
        Enum.GetValues<RefundStatus>().Select(RefundStateMachine.WireName)
            .ShouldBe(["created", "pending", "succeeded", "failed", "exception", "closed_offline", "paying_back"]);
        RefundStateMachine.WireName(RefundBearer.Platform).ShouldBe("platform");
        RefundStateMachine.WireName(RefundStage.PreDelivery).ShouldBe("pre_delivery");
    }
}
