using Sluice.Withdrawals;

namespace Sluice.Tests.Withdrawals;

public sealed class WithdrawalStateMachineTests
{
    [Theory]
    [InlineData(WithdrawalStatus.Created, WithdrawalStatus.Pending, true)]
    [InlineData(WithdrawalStatus.Created, WithdrawalStatus.Held, true)]
    [InlineData(WithdrawalStatus.Held, WithdrawalStatus.Created, true)]
    [InlineData(WithdrawalStatus.Held, WithdrawalStatus.Failed, true)]
    [InlineData(WithdrawalStatus.Held, WithdrawalStatus.Succeeded, false)]
    [InlineData(WithdrawalStatus.Pending, WithdrawalStatus.Succeeded, true)]
    [InlineData(WithdrawalStatus.Pending, WithdrawalStatus.Created, false)]
    [InlineData(WithdrawalStatus.Succeeded, WithdrawalStatus.Pending, false)]
    [InlineData(WithdrawalStatus.Succeeded, WithdrawalStatus.Failed, false)]
    [InlineData(WithdrawalStatus.Failed, WithdrawalStatus.Succeeded, false)]
    public void Only_the_documented_transitions_are_allowed(WithdrawalStatus from, WithdrawalStatus to, bool allowed) =>
        WithdrawalStateMachine.CanTransition(from, to).ShouldBe(allowed);

    [Fact]
    public void A_succeeded_withdrawal_can_only_fail_as_a_bounce_and_a_failed_one_never_moves()
    {
        WithdrawalStateMachine.CanTransition(WithdrawalStatus.Succeeded, WithdrawalStatus.Failed, returnedByBank: true).ShouldBeTrue();
        WithdrawalStateMachine.CanTransition(WithdrawalStatus.Failed, WithdrawalStatus.Succeeded, returnedByBank: true).ShouldBeFalse();
        WithdrawalStateMachine.CanTransition(WithdrawalStatus.Pending, WithdrawalStatus.Held, returnedByBank: true).ShouldBeFalse();
    }

    [Theory]
    [InlineData("6222020200112233445", "***************3445")]
    [InlineData("user@example.com", "************.com")]
    [InlineData("1234", "****")]
    public void Account_numbers_are_masked_to_their_last_four_characters(string accountNo, string masked) =>
        WithdrawalOrder.Mask(accountNo).ShouldBe(masked);
}
