namespace Hoist.Sandbox.Patching;

/// <summary>
/// A patch that cannot be applied. <see cref="Code"/> is what the apiserver answers: 400 for a malformed patch
/// document, 422 for a well-formed patch that does not apply to the object.
/// </summary>
public sealed class PatchException(string message, int code = 422) : Exception(message)
{
    public int Code { get; } = code;
}
