using Sluice.Payments;

namespace Sluice.Tests.Domain;

public class PaymentStateMachineTests
{
    public static TheoryData<PaymentStatus> Terminal() => [PaymentStatus.Succeeded, PaymentStatus.Failed, PaymentStatus.Closed];

    [Theory]
    [MemberData(nameof(Terminal))]
    public void Terminal_states_are_final(PaymentStatus terminal)
    {
        PaymentStateMachine.IsTerminal(terminal).ShouldBeTrue();
        foreach (var to in Enum.GetValues<PaymentStatus>())
        {
            PaymentStateMachine.CanTransition(terminal, to).ShouldBeFalse($"{terminal} -> {to}");
        }
    }

    [Fact]
    public void Open_states_reach_every_terminal_state_and_never_go_back_to_created()
    {
        foreach (var from in new[] { PaymentStatus.Created, PaymentStatus.Pending })
        {
            PaymentStateMachine.CanTransition(from, PaymentStatus.Succeeded).ShouldBeTrue();
            PaymentStateMachine.CanTransition(from, PaymentStatus.Failed).ShouldBeTrue();
            PaymentStateMachine.CanTransition(from, PaymentStatus.Closed).ShouldBeTrue();
            PaymentStateMachine.CanTransition(from, PaymentStatus.Created).ShouldBeFalse();
        }

        PaymentStateMachine.CanTransition(PaymentStatus.Pending, PaymentStatus.Pending).ShouldBeFalse();
    }
}
