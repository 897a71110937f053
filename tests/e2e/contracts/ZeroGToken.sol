// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title A plain ERC-20, as any Solidity developer would deploy it.
contract ZeroGToken {
	string public name;
	string public symbol;
	uint8 public constant decimals = 18;
	uint256 public totalSupply;

	mapping(address => uint256) public balanceOf;
	mapping(address => mapping(address => uint256)) public allowance;

	event Transfer(address indexed from, address indexed to, uint256 value);
	event Approval(address indexed owner, address indexed spender, uint256 value);

	constructor(string memory name_, string memory symbol_, uint256 supply) {
		name = name_;
		symbol = symbol_;
		totalSupply = supply;
		balanceOf[msg.sender] = supply;
		emit Transfer(address(0), msg.sender, supply);
	}

	function transfer(address to, uint256 value) external returns (bool) {
		_transfer(msg.sender, to, value);
		return true;
	}

	function approve(address spender, uint256 value) external returns (bool) {
		allowance[msg.sender][spender] = value;
		emit Approval(msg.sender, spender, value);
		return true;
	}

	function transferFrom(address from, address to, uint256 value) external returns (bool) {
		uint256 allowed = allowance[from][msg.sender];
		require(allowed >= value, "ERC20: insufficient allowance");
		if (allowed != type(uint256).max) {
			allowance[from][msg.sender] = allowed - value;
		}
		_transfer(from, to, value);
		return true;
	}

	function _transfer(address from, address to, uint256 value) internal {
		require(to != address(0), "ERC20: transfer to the zero address");
		uint256 balance = balanceOf[from];
		require(balance >= value, "ERC20: transfer amount exceeds balance");
		unchecked {
			balanceOf[from] = balance - value;
		}
		balanceOf[to] += value;
		emit Transfer(from, to, value);
	}
}
