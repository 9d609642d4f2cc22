using System.Security.Cryptography.X509Certificates;

namespace Sluice.Simulator.Infrastructure;

public sealed record MerchantRegistration(string Channel, string MerchantId, Dictionary<string, string>? Settings);

public sealed record BehaviourRequest(
    string Channel,
    string? OrderId,
    BehaviourAction Action,
    string? Code,
    string? SubCode,
    string? Message,
    int? DelayMs,
    int? Times);

/// <summary>
/// The control API: register merchants, read the channels' platform keys, set behaviours, and see callbacks sent.
/// Each channel module adds its own control endpoints under <c>/control/{channel}</c> (e.g. the payer pays).
/// </summary>
public static class ControlEndpoints
{
    public static void MapControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup("/control");

        control.MapGet("/", (BehaviourBook book, MerchantRegistry merchants, IEnumerable<ISimulatedChannel> channels) => Results.Ok(new
        {
            channels = channels.Select(c => c.Name),
            merchants = merchants.All().Select(m => new { m.Channel, m.MerchantId }),
            behaviours = book.All().Select(b => new { b.Channel, b.OrderId, b.Behaviour }),
        }));

        // Registers a merchant at a channel. Without a public_key_pem setting the simulator makes a key pair and returns
        // the private key once, for the Sluice channel account's credentials.
        control.MapPost("/merchants", (MerchantRegistration registration, MerchantRegistry merchants, SimulatorKeys keys, IEnumerable<ISimulatedChannel> channels) =>
        {
            if (!channels.Any(c => c.Name == registration.Channel))
            {
                return Results.Problem($"unknown channel '{registration.Channel}'", statusCode: StatusCodes.Status404NotFound);
            }

            if (string.IsNullOrWhiteSpace(registration.MerchantId))
            {
                return Results.Problem("merchant_id is required", statusCode: StatusCodes.Status400BadRequest);
            }

            var settings = new Dictionary<string, string>(registration.Settings ?? [], StringComparer.Ordinal);
            string? privateKey = null;
            if (!settings.ContainsKey("public_key_pem"))
            {
                (privateKey, settings["public_key_pem"]) = MerchantRegistry.NewRsaKeyPair();
            }

            merchants.Register(new SimulatedMerchant(registration.Channel, registration.MerchantId, settings));
            return Results.Ok(new
            {
                registration.Channel,
                registration.MerchantId,
                merchant_private_key_pem = privateKey,
                platform = Platform(keys.Platform(registration.Channel)),
            });
        });

        control.MapGet("/channels/{channel}/platform", (string channel, SimulatorKeys keys, IEnumerable<ISimulatedChannel> channels) =>
            channels.Any(c => c.Name == channel)
                ? Results.Ok(Platform(keys.Platform(channel)))
                : Results.NotFound());

        control.MapPost("/behaviours", (BehaviourRequest request, BehaviourBook book) =>
        {
            book.Set(request.Channel, string.IsNullOrEmpty(request.OrderId) ? null : request.OrderId,
                new Behaviour(request.Action, request.Code, request.SubCode, request.Message, request.DelayMs, request.Times));
            return Results.NoContent();
        });

        control.MapDelete("/behaviours", (string? channel, BehaviourBook book) =>
        {
            book.Clear(channel);
            return Results.NoContent();
        });

        control.MapGet("/callbacks", (string? orderId, CallbackSender sender) => Results.Ok(new
        {
            attempts = sender.Attempts(orderId),
            lost = sender.Lost.Where(l => orderId is null || l.OrderId == orderId)
                .Select(l => new { l.Channel, l.OrderId, l.Kind }),
        }));
    }

    private static object Platform(X509Certificate2 certificate) => new
    {
        serial_no = certificate.SerialNumber,
        public_key_pem = SimulatorKeys.PublicKeyPem(certificate),
        certificate_pem = certificate.ExportCertificatePem(),
    };
}
